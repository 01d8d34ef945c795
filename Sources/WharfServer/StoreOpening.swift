import AsyncHTTPClient
import Foundation
import Logging
import NIOFileSystem
import S3
import Storage

/// The store `storage` configures, with the HTTP client it owns when it is a bucket.
public struct OpenedStore: Sendable {
    public let store: any ContentStore
    private let http: HTTPClient?

    init(store: any ContentStore, http: HTTPClient?) {
        self.store = store
        self.http = http
    }

    /// Releases the bucket's connections.
    public func close() async {
        try? await http?.shutdown()
    }
}

extension WharfConfiguration {
    /// How long a presigned redirect URL is valid (distribution uses 20 minutes).
    static let redirectExpiry = 20 * 60

    /// Opens the store `storage` configures (used by the server and `wharf gc`); close it after.
    public func openStore(logger: Logger) -> OpenedStore {
        guard let s3 = storageS3 else { return OpenedStore(store: FilesystemStore(root: FilePath(storageRoot)), http: nil) }
        let http = S3Client.makeHTTPClient(s3)
        let knobs = S3TestKnobs(ProcessInfo.processInfo.environment)
        let store = S3Store(
            client: S3Client(settings: s3, http: http), redirectExpiry: storageRedirect ? Self.redirectExpiry : nil,
            abandonedUploadAge: knobs.abandonedUploadAge ?? 24 * 3600, leaseDuration: knobs.leaseDuration ?? 15,
            peerURL: storageS3PeerURL, logger: logger
        )
        return OpenedStore(store: store, http: http)
    }

    /// Runs `body` with the store `storage` configures and closes it afterwards, whether `body`
    /// returned or threw.
    public func withStore<Result>(logger: Logger, _ body: (any ContentStore) async throws -> Result) async throws -> Result {
        let opened = openStore(logger: logger)
        do {
            let result = try await body(opened.store)
            await opened.close()
            return result
        } catch {
            await opened.close()
            throw error
        }
    }

    /// Prepares `store`; a bucket that refuses is an error naming the setting it points at.
    public func prepare(_ store: any ContentStore) async throws -> Int {
        do {
            return try await store.prepare()
        } catch let error as S3Error {
            let key = error.suspect.map(ConfigurationLoader.key(for:)) ?? "storage.s3"
            throw origins.error(key, "the bucket at \(store.location) refused Wharf: \(error)")
        }
    }
}

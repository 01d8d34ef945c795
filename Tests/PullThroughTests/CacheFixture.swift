import Foundation
import AsyncHTTPClient
import Logging
import NIOCore
import NIOFileSystem
import Registry
import Storage
import Upstream
import WharfTesting

@testable import PullThrough

/// A ``PullThroughCache`` in this process over a real store in a temporary folder, talking
/// over a real socket to `upstreamURL`, with its ``DownloadService`` running.
struct CacheFixture {
    let cache: PullThroughCache
    let target: UpstreamTarget
    let store: FilesystemStore
    let folder: TemporaryFolder
    /// The store's root: `folder`, unless the test gave another (a tmpfs it mounted).
    let root: String

    static func with<T: Sendable>(
        upstreamURL: String,
        tagTTL: Duration = .seconds(60),
        storeRoot: String? = nil,
        wrapStore: @Sendable (FilesystemStore) -> any ContentStore = { $0 },
        _ body: @Sendable (CacheFixture) async throws -> T
    ) async throws -> T {
        let folder = try TemporaryFolder(prefix: "cache")
        let root = storeRoot ?? folder.path
        let store = FilesystemStore(root: FilePath(root))
        try await store.prepare()
        let logger = Logger(label: "cache-test")
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: UpstreamClient.makeHTTPClientConfiguration())
        let downloads = DownloadService()
        let client = UpstreamClient(configuration: try UpstreamConfiguration(remoteURL: upstreamURL), http: http, logger: logger)
        let fixture = CacheFixture(
            cache: PullThroughCache(store: wrapStore(store), downloads: downloads, policy: CachePolicy(tagTTL: tagTTL), logger: logger),
            target: UpstreamTarget(client: client),
            store: store,
            folder: folder,
            root: root
        )
        let result: Result<T, any Error>
        do {
            result = .success(
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await downloads.run() }
                    defer { group.cancelAll() }
                    return try await body(fixture)
                }
            )
        } catch {
            result = .failure(error)
        }
        try await http.shutdown()
        return try result.get()
    }

    /// Reads a whole blob answer, as a response body would.
    func readBlob(_ name: RepositoryName, _ digest: Digest) async throws -> [UInt8] {
        let source = try await cache.blob(name, digest, from: target)
        var bytes: [UInt8] = []
        try await source.stream(range: nil, chunkSize: 64 * 1024) { bytes.append(contentsOf: $0.readableBytesView) }
        return bytes
    }

    /// Files in the store's `tmp/` folder (downloads in progress or left behind).
    func temporaryFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/tmp")
    }
}

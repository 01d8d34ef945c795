import AsyncHTTPClient
import Foundation
import Logging
import Registry
import S3
import ServiceLifecycle

/// The content-addressed cache in an S3-compatible bucket, shared by every instance that
/// points at it.
///
/// Blobs go upstream -> bucket by multipart upload while they are hashed (``S3BlobUpload``);
/// the upload is created for the digest's own key and completed only when the digest matches.
/// S3 shows no object under a key before `CompleteMultipartUpload` (and a plain PUT is
/// atomic), so nothing half-written is ever visible under a digest; an upload left behind by
/// a crash is only a pending upload, aborted by ``abortAbandonedUploads(olderThan:)`` at start and by
/// `wharf gc`.
public struct S3Store: ContentStore {
    public let client: S3Client
    public let layout = S3StoreLayout()
    /// Where downloads in progress keep their bytes for the clients that follow them
    /// (files unlinked as soon as they are opened, so nothing is left behind).
    let spoolFolder: String
    /// How long presigned redirect URLs are valid; `nil` serves every blob through Wharf.
    let redirectExpiry: Int?
    /// Multipart uploads started longer ago than this are taken as abandoned.
    public let abandonedUploadAge: TimeInterval
    /// Parts uploaded at the same time by one blob upload.
    let partsInFlight: Int
    let usage: S3UsageBatch
    /// How long a fetch lease lasts without renewal (seconds).
    let leaseDuration: Double
    /// Who this instance is, in the leases it writes (host, process and the random id its
    /// use batches are named with).
    let instanceName: String
    /// This instance's origin for the fleet (`storage.s3.peerurl`), written into its fetch leases.
    let peerURL: String?

    /// - Parameters:
    ///   - redirectExpiry: answer warm blob GETs with a presigned URL valid this many seconds
    ///     (`storage.redirect.disable: false`); `nil` streams them.
    ///   - usageFlushInterval: how often the batch of last-use records is written.
    ///   - peerURL: where the fleet reaches this instance; its fetch leases carry it, so others
    ///     stream a blob from here while it downloads rather than wait for the bucket.
    public init(
        client: S3Client,
        spoolFolder: String = NSTemporaryDirectory() + "wharf-spool",
        redirectExpiry: Int? = nil,
        abandonedUploadAge: TimeInterval = 24 * 3600,
        partsInFlight: Int = 2,
        usageGranularity: TimeInterval = 3600,
        usageFlushInterval: Duration = .seconds(60),
        leaseDuration: Double = 15,
        peerURL: String? = nil,
        logger: Logger = Logger(label: "wharf.s3")
    ) {
        self.peerURL = peerURL
        self.leaseDuration = leaseDuration
        self.client = client
        self.spoolFolder = spoolFolder
        self.redirectExpiry = redirectExpiry
        self.abandonedUploadAge = abandonedUploadAge
        self.partsInFlight = max(1, partsInFlight)
        let instance = String(UUID().uuidString.lowercased().prefix(8))
        self.instanceName = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(instance)"
        self.usage = S3UsageBatch(client: client, instance: instance, granularity: usageGranularity, interval: usageFlushInterval, logger: logger)
    }

    public var location: String {
        let root = client.settings.rootDirectory.isEmpty ? "" : "/" + client.settings.rootDirectory
        return "s3://\(client.settings.bucket)\(root) at \(client.endpoint.origin)"
    }

    /// Checks that the bucket answers with these credentials, and aborts abandoned uploads.
    /// - Throws: ``S3Error``, whose ``S3Error/suspect`` says which setting is likely wrong.
    @discardableResult
    public func prepare() async throws -> Int {
        _ = try await client.listObjects(prefix: S3StoreLayout.blobsPrefix, maxKeys: 1)
        try FileManager.default.createDirectory(atPath: spoolFolder, withIntermediateDirectories: true)
        return try await abortAbandonedUploads(olderThan: abandonedUploadAge)
    }

    public func readinessProblem() async -> String? {
        do {
            _ = try await client.listObjects(prefix: S3StoreLayout.blobsPrefix, maxKeys: 1)
            return nil
        } catch {
            return "the store \(location) is not usable: \(error)"
        }
    }

    public var services: [any Service] { [usage] }

    // MARK: Blobs

    public func blobSize(_ digest: Digest) async throws -> Int64? {
        try await client.headObject(layout.blob(digest))?.size
    }

    public func openBlob(_ digest: Digest) async throws -> StoredBlob? {
        let key = layout.blob(digest)
        guard let info = try await client.headObject(key) else { return nil }
        // Signed only when a response redirects to it, not for every opening (a follower, a verify).
        let presign = redirectExpiry.map { expiry in { @Sendable [client] in client.presignedURL(key, expires: expiry) } }
        return StoredBlob(size: info.size, reader: S3BlobReader(client: client, key: key, size: info.size), presign: presign)
    }

    public func beginUpload(of digest: Digest) async throws -> any BlobUpload {
        try await S3BlobUpload(store: self, expected: digest)
    }

    // MARK: Maintenance

    /// Aborts the multipart uploads under `blobs/` started more than `age` seconds ago.
    /// - Returns: how many were aborted.
    public func abortAbandonedUploads(olderThan age: TimeInterval, now: Date = Date()) async throws -> Int {
        var aborted = 0
        for upload in try await client.listMultipartUploads(prefix: S3StoreLayout.blobsPrefix) {
            guard let initiated = upload.initiated, now.timeIntervalSince(initiated) > age else { continue }
            try await client.abortMultipartUpload(upload.key, uploadID: upload.uploadID)
            aborted += 1
        }
        return aborted
    }
}

import Foundation
import Logging
import Registry
import Storage
import Upstream

/// The cache policy: answer from the store when possible, fetch upstream once when not,
/// and store only what was verified.
public final class PullThroughCache: Sendable {
    let store: any ContentStore
    let downloads: DownloadService
    let logger: Logger
    let policy: CachePolicy
    let blobDownloads = DownloadRegistry()
    let manifestFetches = SingleFlight<String, StoredManifest>()
    let tagResolutions = SingleFlight<String, ResolvedTag>()
    /// Hot manifests by digest, so a hit costs no store read.
    let hotManifests: BoundedCache<Digest, StoredManifest>
    /// Tag records by upstream, repository and tag, so a fresh tag costs no store read.
    let tagRecords: BoundedCache<String, TagRecord>
    let sweeper: StoreSweeperService?

    /// - Parameters:
    ///   - manifestMemory: bytes of manifests kept in memory.
    ///   - tagRecordCount: tag records kept in memory.
    public init(
        store: any ContentStore,
        downloads: DownloadService,
        policy: CachePolicy = .init(),
        sweeper: StoreSweeperService? = nil,
        manifestMemory: Int = 32 * 1024 * 1024,
        tagRecordCount: Int = 50_000,
        logger: Logger
    ) {
        self.store = store
        self.downloads = downloads
        self.policy = policy
        self.sweeper = sweeper
        self.hotManifests = BoundedCache(capacity: manifestMemory) { $0.bytes.count + $0.mediaType.utf8.count + 64 }
        self.tagRecords = BoundedCache(capacity: tagRecordCount)
        self.logger = logger
    }

    static func registryError(_ error: any Error) -> RegistryError {
        switch error {
        case let error as RegistryError: error
        case let error as UpstreamError: error.registryError(notFound: .manifestUnknown)
        default: RegistryError(.internalError, "\(error)")
        }
    }
}

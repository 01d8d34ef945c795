import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Registry
import Storage
import Upstream

/// The cache policy: answer from the store when possible, fetch upstream once when not,
/// and store only what was verified.
public final class PullThroughCache: Sendable {
    let store: FilesystemStore
    let downloads: DownloadService
    let logger: Logger
    let policy: CachePolicy
    let blobDownloads = DownloadRegistry()
    let manifestFetches = SingleFlight<String, StoredManifest>()
    let tagResolutions = SingleFlight<String, ResolvedTag>()
    let tagRecords = TagRecordCache()
    let sweeper: StoreSweeperService?

    public init(
        store: FilesystemStore,
        downloads: DownloadService,
        policy: CachePolicy = .init(),
        sweeper: StoreSweeperService? = nil,
        logger: Logger
    ) {
        self.store = store
        self.downloads = downloads
        self.policy = policy
        self.sweeper = sweeper
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

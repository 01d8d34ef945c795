import Foundation
import Logging
import Registry
import Storage
import Upstream

extension PullThroughCache {
    /// A blob from the store, or from the one upstream download of it.
    public func blob(_ name: RepositoryName, _ digest: Digest, from upstream: UpstreamTarget) async throws(RegistryError) -> BlobSource {
        try admit(name, from: upstream)
        if let blob = try await openStoredBlob(digest) {
            await store.recordUse(of: .blob(digest))
            return .stored(blob)
        }
        let (download, isNew) = await blobDownloads.join(digest)
        if isNew {
            let scheduled = downloads.enqueue { [self] in
                await BlobFetch(cache: self, download: download, name: name, upstream: upstream).run()
                await self.blobDownloads.finished(digest)
            }
            if !scheduled {
                download.failed(RegistryError(.upstreamUnavailable, "Wharf is shutting down"))
                await blobDownloads.finished(digest)
            }
        }
        // Wait until the upstream answered, so the status and length are known.
        while true {
            let progress = download.progress
            switch progress.phase {
            case .connecting:
                await download.waitForChange(from: progress)
                if Task.isCancelled { throw RegistryError(.internalError, "request cancelled") }
            case .failed(let error):
                throw error
            case .streaming, .stored, .passThrough:
                return .downloading(DownloadFollower(download: download, expectedSize: progress.expectedSize))
            }
        }
    }

    func openStoredBlob(_ digest: Digest) async throws(RegistryError) -> StoredBlob? {
        do {
            return try await store.openBlob(digest)
        } catch {
            logger.error("stored blob unreadable", metadata: ["digest": "\(digest)", "error": "\(error)"])
            throw RegistryError(.internalError, "the cache could not read blob \(digest)")
        }
    }
}

/// What a HEAD of a blob learns: its size, and whether it is stored here.
public struct BlobHead: Sendable {
    /// The size, when known (the upstream may not say).
    public let size: Int64?
    /// Whether the blob is in the store (a cache hit).
    public let isStored: Bool
}

extension PullThroughCache {
    /// A blob's size for HEAD: from the store, from a download in progress, or from a HEAD
    /// upstream. Never starts a download: a client that HEADs a blob may never GET it.
    public func blobHead(_ name: RepositoryName, _ digest: Digest, from upstream: UpstreamTarget) async throws(RegistryError) -> BlobHead {
        try admit(name, from: upstream)
        do {
            if let size = try await store.blobSize(digest) { return BlobHead(size: size, isStored: true) }
        } catch {
            logger.error("stored blob unreadable", metadata: ["digest": "\(digest)", "error": "\(error)"])
            throw RegistryError(.internalError, "the cache could not read blob \(digest)")
        }
        if let download = await blobDownloads.active(digest), let size = download.progress.expectedSize {
            return BlobHead(size: size, isStored: false)
        }
        do {
            return BlobHead(size: try await upstream.client.blobSize(name, digest), isStored: false)
        } catch {
            throw error.registryError(notFound: .blobUnknown)
        }
    }
}

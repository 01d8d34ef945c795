import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import Registry
import Storage
import Upstream

extension PullThroughCache {
    // MARK: Blobs

    /// A blob from the store, or from the one upstream download of it.
    public func blob(_ name: RepositoryName, _ digest: Digest, from upstream: UpstreamTarget) async throws(RegistryError) -> BlobSource {
        if let file = try await openStoredBlob(digest) {
            await store.recordUse(of: digest)
            return .stored(file)
        }
        let (download, isNew) = await blobDownloads.join(digest)
        if isNew {
            let scheduled = downloads.enqueue { [self] in
                await self.download(download, name: name, from: upstream)
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
            case .streaming, .stored:
                return .downloading(DownloadFollower(download: download, store: store, expectedSize: progress.expectedSize))
            }
        }
    }

    /// The size of a blob for HEAD: from the store, else the upstream's HEAD via the download path.
    public func storedBlobSize(_ digest: Digest) async -> Int64? {
        try? await store.blobSize(digest)
    }

    func openStoredBlob(_ digest: Digest) async throws(RegistryError) -> OpenedFile? {
        do {
            return try await store.openBlob(digest)
        } catch {
            logger.error("stored blob unreadable", metadata: ["digest": "\(digest)", "error": "\(error)"])
            throw RegistryError(.internalError, "the cache could not read blob \(digest)")
        }
    }

    /// Runs inside ``DownloadService``: fetch, hash, write, verify, commit.
    func download(_ download: BlobDownload, name: RepositoryName, from upstream: UpstreamTarget) async {
        let digest = download.digest
        let started = ContinuousClock.now
        var writer: BlobWriter?
        let inFlight = Meter(label: "wharf_upstream_fetches_in_flight")
        let fetched = Counter(label: "wharf_upstream_bytes_total", dimensions: [("upstream", upstream.client.configuration.name)])
        inFlight.increment()
        defer { inFlight.decrement() }
        do {
            let response = try await upstream.client.blob(name, digest)
            let blobWriter = try await store.makeBlobWriter(expecting: digest)
            writer = blobWriter
            download.started(temporaryPath: blobWriter.temporaryPath, expectedSize: response.contentLength)
            logger.info("fetching blob", metadata: ["digest": "\(digest)", "repository": "\(name)", "size": "\(response.contentLength.map(String.init) ?? "unknown")"])
            var lastReport = ContinuousClock.now
            for try await chunk in response.body {
                try await blobWriter.append(chunk)
                fetched.increment(by: chunk.readableBytes)
                if ContinuousClock.now - lastReport > .seconds(5) {
                    lastReport = ContinuousClock.now
                    let seconds = Double((ContinuousClock.now - started).components.seconds) + 1e-9
                    logger.info(
                        "fetching blob",
                        metadata: [
                            "digest": "\(digest)", "bytes": "\(blobWriter.bytesWritten)",
                            "of": "\(response.contentLength.map(String.init) ?? "unknown")",
                            "MiBps": "\(Int(Double(blobWriter.bytesWritten) / 1_048_576 / seconds))",
                        ]
                    )
                }
                if let expected = response.contentLength, blobWriter.bytesWritten > expected {
                    throw StoreError.sizeMismatch(expected: expected, actual: blobWriter.bytesWritten)
                }
                download.advanced(to: blobWriter.bytesWritten)
            }
            try await blobWriter.commit(expectedSize: response.contentLength)
            writer = nil
            download.stored()
            sweeper?.nudge()
            logger.info(
                "blob stored",
                metadata: ["digest": "\(digest)", "bytes": "\(blobWriter.bytesWritten)", "duration": "\(ContinuousClock.now - started)"]
            )
        } catch let error as UpstreamError {
            await writer?.abandon()
            download.failed(error.registryError(notFound: .blobUnknown))
            logger.warning("blob fetch failed", metadata: ["digest": "\(digest)", "error": "\(error)"])
        } catch let error as StoreError where error.isVerificationFailure {
            await writer?.abandon()
            Counter(label: "wharf_verification_failures_total").increment()
            download.failed(RegistryError(.badGateway, "upstream sent wrong content for \(digest): \(error)"))
            logger.error("upstream blob failed verification; nothing stored, clients cut off", metadata: ["digest": "\(digest)", "error": "\(error)"])
        } catch {
            await writer?.abandon()
            download.failed(RegistryError(.upstreamUnavailable, "fetching \(digest) failed: \(error)"))
            logger.warning("blob fetch failed", metadata: ["digest": "\(digest)", "error": "\(error)"])
        }
    }

}

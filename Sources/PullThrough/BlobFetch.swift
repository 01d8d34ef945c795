import AsyncHTTPClient
import FileIO
import Foundation
import Logging
import Metrics
import NIOCore
import Registry
import Storage
import Upstream
import WharfMetrics

/// One upstream blob download, run inside ``DownloadService``: fetch, hash, write, verify,
/// commit; every client following the download sees its progress and its end.
struct BlobFetch {
    let cache: PullThroughCache
    let download: BlobDownload
    let name: RepositoryName
    let upstream: UpstreamTarget

    private var logger: Logger { cache.logger }
    private var digest: Digest { download.digest }

    func run() async {
        do {
            switch try await claimFleetFetch() {
            case .storedElsewhere(let blob):
                download.started(reader: blob.reader, expectedSize: blob.size)
                download.advanced(to: blob.size)
                download.stored()
            case .fetch(let lease):
                await holding(lease) { await fetch() }
            case .followPeer(let url, let size):
                followPeer(url, size: size)
            }
        } catch {
            fail(error)
        }
    }

    private enum Claimed {
        case fetch(FetchLease?)
        case storedElsewhere(StoredBlob)
        /// The blob's URL at the instance downloading it, and the size that instance announced.
        case followPeer(String, size: Int64)
    }

    /// Takes the store's fetch lease for the blob; while another instance holds it, waits for
    /// the blob to appear in the store (or for the lease to expire and be taken over here).
    private func claimFleetFetch() async throws -> Claimed {
        var told = false
        while true {
            switch try await cache.store.claimFetch(of: digest) {
            case .granted(let lease):
                // The last holder may have stored it just before letting go.
                if let lease, let blob = try await cache.store.openBlob(digest) {
                    await lease.release()
                    return .storedElsewhere(blob)
                }
                return .fetch(lease)
            case .heldElsewhere(let holder, let peerURL):
                // Stored meanwhile: nothing to ask the holder.
                if let blob = try await cache.store.openBlob(digest) { return .storedElsewhere(blob) }
                // Followed only when it answers: a holder that died leaves the wait below.
                // `ns` names the upstream, so that a holder with several picks this one (with one, it is ignored).
                let url = peerURL.map { "\($0)/v2/\(name)/blobs/\(digest)?ns=\(upstream.client.configuration.name)" }
                if let url, let size = await PeerBlob.size(url) { return .followPeer(url, size: size) }
                if !told {
                    logger.info(
                        "another instance is fetching the blob; waiting for it in the store",
                        metadata: ["digest": "\(digest)", "holder": "\(holder)", "follow": "\(url.map { "\($0) did not answer a HEAD" } ?? "no peerurl in the lease")"]
                    )
                    told = true
                }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Runs `body` while renewing `lease`, then releases it.
    private func holding(_ lease: FetchLease?, _ body: () async -> Void) async {
        guard let lease else { return await body() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: lease.renewalInterval)
                    if !Task.isCancelled { try? await lease.renew() }
                }
            }
            await body()
            group.cancelAll()
        }
        await lease.release()
    }

    private func fetch() async {
        let inFlight = Meter(label: WharfMetric.upstreamFetchesInFlight.name)
        inFlight.increment()
        defer { inFlight.decrement() }
        var upload: (any BlobUpload)?
        var announced: Int64?
        do {
            let response = try await upstream.client.blob(name, digest)
            announced = response.contentLength
            let started = try await storing { try await cache.store.beginUpload(of: digest) }
            upload = started
            try await transfer(response, into: started)
            upload = nil
            download.stored()
            cache.sweeper?.nudge()
        } catch let failure as StoreWriteFailure {
            await upload?.abandon()
            passThrough(failure, expectedSize: announced)
        } catch {
            await upload?.abandon()
            fail(error)
        }
    }

    private func transfer(_ response: UpstreamBlob, into upload: any BlobUpload) async throws {
        let started = ContinuousClock.now
        let fetched = Counter(label: WharfMetric.upstreamBytes.name, dimensions: [(WharfMetric.Label.upstream, upstream.client.configuration.name)])
        let announced = response.contentLength.map(String.init) ?? "unknown"
        let reader = try await storing { try await upload.openFollower() }
        logger.info("fetching blob", metadata: ["digest": "\(digest)", "repository": "\(name)", "size": "\(announced)"])
        var lastReport = ContinuousClock.now
        var streaming = false
        for try await chunk in response.body {
            try await storing { try await upload.append(chunk) }
            fetched.increment(by: chunk.readableBytes)
            if let expected = response.contentLength, upload.bytesWritten > expected {
                throw StoreError.sizeMismatch(expected: expected, actual: upload.bytesWritten)
            }
            // Clients learn the length once the store took a first chunk, so that a store
            // that cannot take any answers them pass-through from the start.
            if !streaming {
                download.started(reader: reader, expectedSize: response.contentLength)
                streaming = true
            }
            download.advanced(to: upload.bytesWritten)
            if ContinuousClock.now - lastReport > .seconds(5) {
                lastReport = ContinuousClock.now
                let seconds = (ContinuousClock.now - started).seconds + 1e-9
                logger.info(
                    "fetching blob",
                    metadata: [
                        "digest": "\(digest)", "bytes": "\(upload.bytesWritten)", "of": "\(announced)",
                        "MiBps": "\(Int(Double(upload.bytesWritten) / 1_048_576 / seconds))",
                    ]
                )
            }
        }
        if !streaming { download.started(reader: reader, expectedSize: response.contentLength) }
        try await storing { try await upload.commit(expectedSize: response.contentLength) }
        logger.info("blob stored", metadata: ["digest": "\(digest)", "bytes": "\(upload.bytesWritten)", "duration": "\(ContinuousClock.now - started)"])
    }

    /// Runs a store call; its failure (other than content failing verification) becomes a
    /// ``StoreWriteFailure``, which serves the blob pass-through rather than failing it.
    private func storing<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as StoreError where error.isVerificationFailure {
            throw error
        } catch {
            throw StoreWriteFailure(underlying: error)
        }
    }

    /// The store could not take the blob (a full volume, a failing upload): every client of the
    /// download streams it from the upstream instead, verified, and nothing is stored.
    private func passThrough(_ failure: StoreWriteFailure, expectedSize: Int64?) {
        let reason = failure.isOutOfSpace ? "no_space" : "store_failed"
        Counter(label: WharfMetric.passThrough.name, dimensions: [(WharfMetric.Label.reason, reason)]).increment()
        logger.warning(
            "the store cannot take the blob; serving it pass-through, not stored",
            metadata: ["digest": "\(digest)", "repository": "\(name)", "reason": "\(reason)", "error": "\(failure.underlying)"]
        )
        let (client, name, digest) = (upstream.client, name, digest)
        download.passThrough(PassThroughOrigin(digest: digest, expectedSize: expectedSize) { () async throws(UpstreamError) in
            try await client.blob(name, digest)
        })
        cache.sweeper?.nudge()
    }

    /// Another instance is downloading the blob and wrote where it can be reached: each client
    /// here streams it from there as it arrives (hashed, last chunk held back until the digest
    /// matches, as pass-through); that instance stores it, this one stores nothing.
    private func followPeer(_ url: String, size: Int64) {
        logger.info("another instance is fetching the blob; streaming it from there", metadata: ["digest": "\(digest)", "url": "\(url)"])
        let (logger, digest) = (logger, digest)
        download.passThrough(PassThroughOrigin(digest: digest, expectedSize: size) { () async throws(UpstreamError) in
            do throws(UpstreamError) {
                return try await PeerBlob.open(url)
            } catch {
                logger.warning("the instance fetching the blob could not be followed", metadata: ["digest": "\(digest)", "error": "\(error)"])
                throw error
            }
        })
    }

    private func fail(_ error: any Error) {
        switch error {
        case let error as UpstreamError:
            download.failed(error.registryError(notFound: .blobUnknown))
            logger.warning("blob fetch failed", metadata: ["digest": "\(digest)", "error": "\(error)"])
        case let error as StoreError where error.isVerificationFailure:
            Counter(label: WharfMetric.verificationFailures.name).increment()
            download.failed(RegistryError(.badGateway, "upstream sent wrong content for \(digest): \(error)"))
            logger.error("upstream blob failed verification; nothing stored, clients cut off", metadata: ["digest": "\(digest)", "error": "\(error)"])
        default:
            download.failed(RegistryError(.upstreamUnavailable, "fetching \(digest) failed: \(error)"))
            logger.warning("blob fetch failed", metadata: ["digest": "\(digest)", "error": "\(error)"])
        }
    }
}

/// A store call failed while taking a blob; the blob is served pass-through.
struct StoreWriteFailure: Error {
    let underlying: any Error

    var isOutOfSpace: Bool { (underlying as? FileIOError)?.isOutOfSpace ?? false }
}

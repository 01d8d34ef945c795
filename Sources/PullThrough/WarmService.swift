import Foundation
import Logging
import Registry
import ServiceLifecycle
import Upstream

/// Keeps `proxy.warm`'s images fresh: once per `interval` (the tagttl), each image's manifest
/// is asked of the cache as a client would (so a tag past tagttl is revalidated), then every
/// blob of the chosen platform's manifest is stored. The images are spread over the interval;
/// a round stops at once when the upstream answers 429 or its budget is to be spared.
public struct WarmService: Service {
    /// One image and the upstream it comes from.
    public struct Item: Sendable {
        public let image: ImageReference
        public let upstream: UpstreamTarget

        public init(image: ImageReference, upstream: UpstreamTarget) {
            self.image = image
            self.upstream = upstream
        }
    }

    let cache: PullThroughCache
    let items: [Item]
    let interval: Duration
    /// The platform warmed from an index, `os/architecture`.
    let platform: String
    let logger: Logger

    /// - Parameters:
    ///   - items: the images; give at least one (a Service that returns would stop the group).
    public init(cache: PullThroughCache, items: [Item], interval: Duration, platform: String, logger: Logger) {
        self.cache = cache
        self.items = items
        self.interval = max(interval, .seconds(1))
        self.platform = platform
        self.logger = logger
    }

    private enum Outcome {
        case warmed
        case failed
        case rateLimited
    }

    public func run() async throws {
        let pause = interval / max(items.count, 1)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var stoppedEarly = false
            for item in items {
                guard !cache.policy.sparesBudget(item.upstream.client.budget.reading, now: Date()) else {
                    logger.notice("warm round stopped: the upstream is near its pull limit", metadata: ["upstream": "\(item.upstream.key)"])
                    stoppedEarly = true
                    break
                }
                if await warm(item) == .rateLimited {
                    logger.notice("warm round stopped: the upstream answered 429", metadata: ["upstream": "\(item.upstream.key)", "image": "\(item.image)"])
                    stoppedEarly = true
                    break
                }
                guard await sleep(pause) else { return }
            }
            if stoppedEarly, !(await sleep(interval)) { return }
        }
    }

    /// Sleeps unless shutdown begins; `false` when it did.
    private func sleep(_ duration: Duration) async -> Bool {
        do {
            try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
            return true
        } catch {
            return false
        }
    }

    private func warm(_ item: Item) async -> Outcome {
        let name = item.image.repository
        let accept = AcceptHeader([MediaType.defaultManifestAccept])
        do {
            let top = try await cache.manifest(name, item.image.reference, accept: accept, from: item.upstream)
            var blobs: [Digest] = []
            switch try ManifestReferences(top.bytes) {
            case .image(let digests):
                blobs = digests
            case .index(let children):
                for child in ManifestReferences.select(children, platform: platform) {
                    let manifest = try await cache.manifest(name, .digest(child.digest), accept: accept, from: item.upstream)
                    if case .image(let digests) = try ManifestReferences(manifest.bytes) { blobs += digests }
                }
            }
            var stored = 0
            for digest in blobs {
                let source = try await cache.blob(name, digest, from: item.upstream)
                if case .downloading = source {
                    // Read to the end: the download is stored once verified, whoever reads it.
                    try await source.stream(range: nil, chunkSize: 1024 * 1024) { _ in }
                    stored += 1
                }
            }
            logger.info("warmed", metadata: ["image": "\(item.image)", "digest": "\(top.digest)", "blobs": "\(blobs.count)", "fetched": "\(stored)"])
            return .warmed
        } catch let error as RegistryError where error.code == .tooManyRequests {
            return .rateLimited
        } catch {
            logger.warning("warming failed", metadata: ["image": "\(item.image)", "error": "\(error)"])
            return .failed
        }
    }
}

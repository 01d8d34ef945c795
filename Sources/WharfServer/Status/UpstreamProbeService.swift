import Foundation
import Logging
import Metrics
import WharfMetrics
import PullThrough
import ServiceLifecycle
import Upstream

/// Asks every upstream's `/v2/` at start and then every `interval`, so `/readyz` and the
/// status page know whether each is reachable even when no client is pulling.
struct UpstreamProbeService: Service {
    let upstreams: [UpstreamTarget]
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await withTaskGroup(of: Void.self) { group in
                for upstream in upstreams {
                    group.addTask { await probe(upstream.client) }
                }
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }

    private func probe(_ client: UpstreamClient) async {
        let name = client.configuration.name
        let before = client.health.record
        do {
            _ = try await client.probe()
            Gauge(label: WharfMetric.upstreamReachable.name, dimensions: [(WharfMetric.Label.upstream, name)]).record(1)
            if before.isFailing { logger.notice("upstream reachable again", metadata: ["upstream": "\(name)"]) }
        } catch {
            Gauge(label: WharfMetric.upstreamReachable.name, dimensions: [(WharfMetric.Label.upstream, name)]).record(0)
            // Log the change only, not every probe while it lasts.
            if !before.isFailing {
                logger.warning("upstream unreachable; cached content is still served", metadata: ["upstream": "\(name)", "error": "\(error.message)"])
            }
        }
    }
}

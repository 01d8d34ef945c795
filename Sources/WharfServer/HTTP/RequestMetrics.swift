import Metrics
import WharfMetrics
import Synchronization

/// The per-request metrics, with their handles made once per route, status and cache result
/// instead of looked up through the metrics factory on every request.
final class RequestMetrics: Sendable {
    private struct RouteHandles {
        let duration: Metrics.Timer
        let bytes: Counter
        var requests: [Int: Counter] = [:]
        var cacheAnswers: [CacheAnswer: Counter] = [:]

        init(route: String) {
            duration = Metrics.Timer(label: WharfMetric.requestDuration.name, dimensions: [(WharfMetric.Label.route, route)])
            bytes = Counter(label: WharfMetric.bytesServed.name, dimensions: [(WharfMetric.Label.route, route)])
        }
    }

    private let handles = Mutex<[String: RouteHandles]>([:])

    /// Counts one answered request.
    /// - Parameters:
    ///   - route: a bounded route label (``RequestAccountingMiddleware/routeLabel(_:)``).
    ///   - bodyBytes: the bytes of the body sent, when known.
    ///   - cache: where the answer came from (`X-Wharf-Cache`), when it has one.
    func record(route: String, status: Int, duration: Duration, bodyBytes: Int64?, cache: CacheAnswer?) {
        let (requests, timer, bytes, cacheAnswer) = handles.withLock { all in
            var handles = all[route] ?? RouteHandles(route: route)
            let requests = handles.requests[status] ?? Counter(label: WharfMetric.requests.name, dimensions: [(WharfMetric.Label.route, route), (WharfMetric.Label.status, String(status))])
            handles.requests[status] = requests
            var cacheAnswer: Counter?
            if let cache {
                let counter = handles.cacheAnswers[cache] ?? Counter(label: WharfMetric.cacheAnswers.name, dimensions: [(WharfMetric.Label.kind, route), (WharfMetric.Label.result, cache.rawValue)])
                handles.cacheAnswers[cache] = counter
                cacheAnswer = counter
            }
            all[route] = handles
            return (requests, handles.duration, handles.bytes, cacheAnswer)
        }
        requests.increment()
        timer.record(duration: duration)
        if let bodyBytes { bytes.increment(by: bodyBytes) }
        cacheAnswer?.increment()
    }
}

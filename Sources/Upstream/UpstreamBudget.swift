import Foundation
import Metrics
import NIOHTTP1
import Synchronization
import WharfMetrics

/// What an upstream says of its pull budget, read from every response it sends: Docker Hub's
/// `ratelimit-limit` and `ratelimit-remaining` (`100;w=21600`: 100 pulls per 21600 s) and a
/// 429's `Retry-After`. Exported as metrics and shown on the status page.
public final class UpstreamBudget: Sendable {
    /// The latest figures.
    public struct Reading: Sendable, Equatable {
        /// Pulls allowed per window, when the upstream says.
        public var limit: Int?
        /// Pulls left in the window, when the upstream says.
        public var remaining: Int?
        /// The window in seconds (`w=`), when given.
        public var window: Int?
        /// Until when the last 429 asked Wharf to wait.
        public var retryUntil: Date?
        /// The last 429's `Retry-After`, in seconds.
        public var lastRetryAfter: Int?
        /// 429 answers so far.
        public var rateLimitedAnswers = 0

        public init() {}

        /// Whether the upstream has told anything of its budget yet.
        public var isKnown: Bool { limit != nil || remaining != nil || rateLimitedAnswers > 0 }
    }

    private let state = Mutex(Reading())
    private let upstream: String

    /// A budget for the upstream named `upstream` (the metrics' `upstream` label).
    public init(upstream: String) {
        self.upstream = upstream
    }

    /// The latest figures.
    public var reading: Reading { state.withLock { $0 } }

    /// Notes what one upstream response says.
    public func record(status: Int, headers: HTTPHeaders, at now: Date = Date()) {
        let limit = headers.first(name: "ratelimit-limit").flatMap(Self.quota)
        let remaining = headers.first(name: "ratelimit-remaining").flatMap(Self.quota)
        let retryAfter = status == 429 ? Self.retryAfterSeconds(headers.first(name: "Retry-After"), now: now) : nil
        guard limit != nil || remaining != nil || status == 429 else { return }
        let reading = state.withLock { reading -> Reading in
            if let limit {
                reading.limit = limit.count
                reading.window = limit.window ?? reading.window
            }
            if let remaining {
                reading.remaining = remaining.count
                reading.window = remaining.window ?? reading.window
            }
            if status == 429 {
                reading.rateLimitedAnswers += 1
                // Without Retry-After, wait a minute rather than hammer a limited upstream.
                let seconds = retryAfter ?? 60
                reading.lastRetryAfter = seconds
                reading.retryUntil = now.addingTimeInterval(TimeInterval(seconds))
            }
            return reading
        }
        let dimensions = [(WharfMetric.Label.upstream, upstream)]
        if let limit = reading.limit { Gauge(label: WharfMetric.upstreamRateLimit.name, dimensions: dimensions).record(limit) }
        if let remaining = reading.remaining { Gauge(label: WharfMetric.upstreamRateLimitRemaining.name, dimensions: dimensions).record(remaining) }
        if status == 429 {
            Counter(label: WharfMetric.upstreamRateLimited.name, dimensions: dimensions).increment()
            Gauge(label: WharfMetric.upstreamRetryAfter.name, dimensions: dimensions).record(reading.lastRetryAfter ?? 0)
        }
    }

    /// `100;w=21600` (or `100`) -> 100 and the window 21600; `nil` when it is not that form.
    public static func quota(_ text: String) -> (count: Int, window: Int?)? {
        let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, let count = Int(first), count >= 0 else { return nil }
        let window = parts.dropFirst().lazy.compactMap { part -> Int? in
            guard part.hasPrefix("w=") else { return nil }
            return Int(part.dropFirst(2))
        }.first
        return (count, window)
    }

    /// `Retry-After` as seconds from `now`: delay-seconds or an HTTP date (RFC 9110 10.2.3).
    public static func retryAfterSeconds(_ text: String?, now: Date) -> Int? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int(text) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, Int(date.timeIntervalSince(now).rounded(.up)))
    }
}

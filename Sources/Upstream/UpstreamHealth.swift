import Foundation
import Synchronization

/// When an upstream last answered and last failed, from real requests and from probes:
/// what `/readyz` and the status page report.
public final class UpstreamHealth: Sendable {
    /// The last answer and failure.
    public struct Record: Sendable, Equatable {
        public var lastAnswer: Date?
        public var lastFailure: Date?
        public var lastFailureMessage: String?

        public init(lastAnswer: Date? = nil, lastFailure: Date? = nil, lastFailureMessage: String? = nil) {
            self.lastAnswer = lastAnswer
            self.lastFailure = lastFailure
            self.lastFailureMessage = lastFailureMessage
        }

        /// Whether nothing was asked of the upstream yet.
        public var isUnknown: Bool { lastAnswer == nil && lastFailure == nil }

        /// Whether the most recent contact failed.
        public var isFailing: Bool {
            guard let lastFailure else { return false }
            return lastAnswer.map { lastFailure > $0 } ?? true
        }

        /// Whether the upstream answered within `window` before `now` and has not failed since.
        public func isReachable(now: Date, window: TimeInterval) -> Bool {
            guard let lastAnswer, now.timeIntervalSince(lastAnswer) <= window else { return false }
            return !isFailing
        }
    }

    private let state = Mutex(Record())

    public init() {}

    public var record: Record { state.withLock { $0 } }

    /// Notes an answer (any status below 500).
    public func recordAnswer(at date: Date = Date()) {
        state.withLock { $0.lastAnswer = date }
    }

    /// Notes a failure: no connection, a timeout, or a 5xx answer.
    public func recordFailure(_ message: String, at date: Date = Date()) {
        state.withLock {
            $0.lastFailure = date
            $0.lastFailureMessage = message
        }
    }
}

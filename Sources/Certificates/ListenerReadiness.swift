import Synchronization

/// Whether the listeners a CA's validator will reach (the TLS port for TLS-ALPN-01, the plain
/// port for HTTP-01) are bound, so that the first order is not answered with connection refused:
/// a failed validation costs a retry later, and at Let's Encrypt counts against the failed
/// validation limit.
public final class ListenerReadiness: Sendable {
    private let expected: Int
    private let bound = Atomic(0)

    /// Readiness once `expected` listeners said they are bound.
    public init(expected: Int) {
        self.expected = expected
    }

    /// One listener is bound and accepting.
    public func listening() {
        bound.add(1, ordering: .releasing)
    }

    /// Whether every expected listener is bound.
    public var isReady: Bool { bound.load(ordering: .acquiring) >= expected }

    /// Returns once every expected listener is bound, or after `limit` (a listener that fails to
    /// bind ends the process anyway), or when the task is cancelled.
    public func wait(atMost limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while !isReady, ContinuousClock.now < deadline {
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                return
            }
        }
    }
}

/// The delays between polls of an authorization or order when the CA sends no `Retry-After`:
/// short at first (a fast CA answers within a few hundred milliseconds), growing, capped.
struct PollBackoff: Sendable, Hashable {
    /// The first delay.
    let initial: Duration
    /// Each delay is the previous one times this.
    let factor: Double
    /// No delay is longer.
    let maximum: Duration

    private var attempts = 0

    init(initial: Duration = .milliseconds(150), factor: Double = 1.6, maximum: Duration = .seconds(3)) {
        self.initial = initial
        self.factor = factor
        self.maximum = maximum
    }

    /// The delay before the next poll; `retryAfter`, when the CA gave one, wins.
    /// A `Retry-After` does not advance the backoff.
    mutating func next(retryAfter: Duration? = nil) -> Duration {
        if let retryAfter {
            return max(retryAfter, .zero)
        }
        defer { attempts += 1 }
        var delay = initial
        for _ in 0..<attempts {
            delay = delay * factor
            if delay >= maximum {
                return maximum
            }
        }
        return min(delay, maximum)
    }

    /// Starts again from ``initial`` (a new phase: authorizations done, now the order).
    mutating func reset() {
        attempts = 0
    }
}

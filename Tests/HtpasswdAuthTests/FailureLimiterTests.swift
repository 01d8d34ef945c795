import Testing

@testable import HtpasswdAuth

@Suite("The failure limiter on its own")
struct FailureLimiterTests {
    private let start = ContinuousClock.now

    @Test("retry-after counts down to when the oldest counted failure leaves the window")
    func retryAfterCountsDown() {
        var limiter = FailureLimiter(limit: 3, window: .seconds(60))
        let keys: [FailureLimiter.Key] = [.address("a")]
        for second in [0, 10, 20] {
            #expect(limiter.recordFailure(keys, now: start + .seconds(second)) == (second == 20 ? keys : []))
        }
        #expect(limiter.retryAfter(for: keys, now: start + .seconds(20)) == 40)
        #expect(limiter.retryAfter(for: keys, now: start + .milliseconds(59_500)) == 1)
        #expect(limiter.retryAfter(for: keys, now: start + .seconds(60)) == nil)
        #expect(limiter.retryAfter(for: [.address("b"), .user("a")], now: start + .seconds(20)) == nil)
        // Two of three failures are still in the window: one more trips it until the one at 10 s expires.
        limiter.recordFailure(keys, now: start + .seconds(61))
        #expect(limiter.retryAfter(for: keys, now: start + .seconds(61)) == 9)
    }

    @Test("Pending attempts count toward the limit and are released")
    func pending() {
        var limiter = FailureLimiter(limit: 2, window: .seconds(60))
        let keys: [FailureLimiter.Key] = [.address("a"), .user("u")]
        #expect(limiter.reserve(keys, now: start) == nil)
        #expect(limiter.reserve(keys, now: start) == nil)
        #expect(limiter.reserve(keys, now: start) == 1)
        #expect(limiter.reserve([.address("a"), .user("v")], now: start) == 1)
        #expect(limiter.release(keys, failed: false, now: start).isEmpty)
        #expect(limiter.release(keys, failed: true, now: start).isEmpty)
        #expect(limiter.reserve(keys, now: start) == nil)
        #expect(limiter.release(keys, failed: true, now: start) == keys)
        #expect(limiter.retryAfter(for: [.user("u")], now: start) == 60)
        #expect(limiter.retryAfter(for: [.address("a")], now: start + .seconds(60)) == nil)
        #expect(limiter.retryAfter(for: keys, now: start + .seconds(61)) == nil)
        #expect(limiter.trackedKeys == 0)
    }

    @Test("A zero limit never limits and tracks nothing")
    func disabled() {
        var limiter = FailureLimiter(limit: 0, window: .seconds(60))
        for _ in 0..<100 { limiter.recordFailure([.address("a")], now: start) }
        #expect(limiter.reserve([.address("a")], now: start) == nil)
        #expect(limiter.trackedKeys == 0)
    }

    @Test("Old records are swept, so random user names cannot grow memory without bound")
    func sweeps() {
        var limiter = FailureLimiter(limit: 5, window: .seconds(1))
        for index in 0..<5000 {
            limiter.recordFailure([.user("u\(index)")], now: start + .milliseconds(index))
        }
        #expect(limiter.trackedKeys < 2100)
    }
}

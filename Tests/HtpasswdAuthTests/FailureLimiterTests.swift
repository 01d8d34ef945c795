import Testing

@testable import HtpasswdAuth

@Suite("The failure limiter on its own")
struct FailureLimiterTests {
    private let start = ContinuousClock.now
    private let alice = FailureLimiter.Client(address: "a", user: "alice")

    private func limiter(_ limit: Int, users: Int? = nil, window: Duration = .seconds(60)) -> FailureLimiter {
        FailureLimiter(HtpasswdSettings(failureLimit: limit, failureWindow: window, sprayLimit: users).limits)
    }

    @Test("retry-after counts down to when the oldest counted failure leaves the window")
    func retryAfterCountsDown() {
        var limiter = limiter(3)
        for second in [0, 10, 20] {
            let reached = limiter.recordFailure(alice, now: start + .seconds(second))
            #expect(reached == (second == 20 ? [.client(alice), .user("alice")] : []))
        }
        #expect(limiter.retryAfter(for: alice, exempt: false, now: start + .seconds(20)) == 40)
        #expect(limiter.retryAfter(for: alice, exempt: false, now: start + .milliseconds(59_500)) == 1)
        #expect(limiter.retryAfter(for: alice, exempt: false, now: start + .seconds(60)) == nil)
        #expect(limiter.retryAfter(for: .init(address: "a", user: "bob"), exempt: false, now: start + .seconds(20)) == nil)
        // Two of three failures are still in the window: one more trips it until the one at 10 s expires.
        limiter.recordFailure(alice, now: start + .seconds(61))
        #expect(limiter.retryAfter(for: alice, exempt: false, now: start + .seconds(61)) == 9)
    }

    @Test("Per user across addresses, and only for clients that are not exempt")
    func perUserSkipsExempt() {
        var limiter = limiter(2)
        limiter.recordFailure(.init(address: "x", user: "alice"), now: start)
        limiter.recordFailure(.init(address: "y", user: "alice"), now: start)
        #expect(limiter.retryAfter(for: alice, exempt: false, now: start) == 60)
        #expect(limiter.retryAfter(for: alice, exempt: true, now: start) == nil)
        guard case .admitted = limiter.reserve(alice, exempt: true, now: start) else {
            Issue.record("an exempt client is refused by others' failures")
            return
        }
        #expect(limiter.retryAfter(for: .init(address: "x", user: "alice"), exempt: true, now: start) == nil)
    }

    @Test("Per address in distinct users: one user's failures count once; unusable headers count as one more user")
    func spreadCountsUsers() {
        var limiter = limiter(2, users: 3)
        for user in ["u1", "u1", "u2"] { limiter.recordFailure(.init(address: "a", user: user), now: start) }
        #expect(limiter.retryAfter(for: .init(address: "a", user: "u3"), exempt: false, now: start) == nil)
        #expect(limiter.recordFailure(.init(address: "a", user: nil), now: start + .seconds(5)) == [.address("a")])
        #expect(limiter.retryAfter(for: .init(address: "a", user: "u3"), exempt: false, now: start + .seconds(5)) == 55)
        #expect(limiter.retryAfter(for: .init(address: "a", user: "u3"), exempt: true, now: start + .seconds(5)) == nil)
        #expect(limiter.retryAfter(for: .init(address: "b", user: "u3"), exempt: false, now: start + .seconds(5)) == nil)
    }

    @Test("Pending attempts count toward the limits and are released")
    func pending() {
        var limiter = limiter(2)
        var admitted: [FailureLimiter.Reservation] = []
        for _ in 0..<3 {
            switch limiter.reserve(alice, exempt: false, now: start) {
            case .admitted(let reservation): admitted.append(reservation)
            case .wait(let seconds): #expect(seconds == 1)
            }
        }
        #expect(admitted.count == 2)
        guard case .wait(seconds: 1) = limiter.reserve(.init(address: "b", user: "alice"), exempt: false, now: start) else {
            Issue.record("the per-user limit ignores pending attempts from other addresses")
            return
        }
        #expect(limiter.release(admitted[0], failed: false, now: start).isEmpty)
        #expect(limiter.release(admitted[1], failed: true, now: start).isEmpty)
        guard case .admitted(let third) = limiter.reserve(alice, exempt: false, now: start) else {
            Issue.record("a released attempt still counts")
            return
        }
        #expect(limiter.release(third, failed: true, now: start) == [.client(alice), .user("alice")])
        #expect(limiter.retryAfter(for: alice, exempt: false, now: start) == 60)
        #expect(limiter.retryAfter(for: alice, exempt: false, now: start + .seconds(61)) == nil)
        #expect(limiter.trackedKeys == 0)
    }

    @Test("A zero limit never limits and tracks nothing")
    func disabled() {
        var limiter = limiter(0)
        for _ in 0..<100 { limiter.recordFailure(alice, now: start) }
        guard case .admitted(let reservation) = limiter.reserve(alice, exempt: false, now: start) else {
            Issue.record("a disabled limiter refused")
            return
        }
        _ = limiter.release(reservation, failed: true, now: start)
        #expect(limiter.trackedKeys == 0)
    }

    @Test("Old records are swept, so random user names and addresses cannot grow memory without bound")
    func sweeps() {
        var limiter = limiter(5, window: .seconds(1))
        for index in 0..<20_000 {
            limiter.recordFailure(.init(address: "a\(index % 7000)", user: "u\(index)"), now: start + .milliseconds(index))
        }
        // About a window's worth (1000 of each kind) is live; the sweep lets at most twice that build up.
        #expect(limiter.trackedKeys < 7000)
    }
}

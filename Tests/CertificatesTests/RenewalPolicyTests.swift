import ACME
import Certificates
import Foundation
import Testing

@Suite("renewal decisions with fixed clocks")
struct RenewalPolicyTests {
    let policy = RenewalPolicy()
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("two thirds of a 90-day lifetime, with jitter inside its bounds")
    func twoThirds() {
        let end = start.addingTimeInterval(90 * 86400)
        let earliest = policy.renewalTime(notBefore: start, notAfter: end, random: 0)
        let latest = policy.renewalTime(notBefore: start, notAfter: end, random: 0.999_999)
        #expect(earliest == start.addingTimeInterval(60 * 86400))
        #expect(latest.timeIntervalSince(earliest) <= 600)
        #expect(latest > earliest)
    }

    @Test("half of a short lifetime (6-day certificates)")
    func shortLived() {
        let end = start.addingTimeInterval(6 * 86400)
        #expect(policy.renewalTime(notBefore: start, notAfter: end, random: 0) == start.addingTimeInterval(3 * 86400))
    }

    @Test("failures back off 1 min, 10 min, 100 min, then every 4 hours")
    func backoff() {
        let far = start.addingTimeInterval(80 * 86400)
        #expect([1, 2, 3, 4, 9].map { policy.retryDelay(attempt: $0, notAfter: far, now: start) } == [60, 600, 6000, 14400, 14400])
    }

    @Test("retries grow more urgent as expiry nears, and never stop")
    func urgency() {
        let soon = start.addingTimeInterval(3600)
        #expect(policy.retryDelay(attempt: 4, notAfter: soon, now: start) == 360)
        #expect(policy.retryDelay(attempt: 4, notAfter: start.addingTimeInterval(60), now: start) == 6)
        #expect(policy.retryDelay(attempt: 1, notAfter: start.addingTimeInterval(5), now: start) == 2)
        #expect(policy.retryDelay(attempt: 9, notAfter: start.addingTimeInterval(-10), now: start) == 60)
    }

    @Test("with 60-second certificates, retries after the renewal time come every few seconds, not every minute")
    func shortLivedRetries() {
        let end = start.addingTimeInterval(60)
        let renewal = policy.renewalTime(notBefore: start, notAfter: end, random: 0.5)
        var now = renewal
        var delays: [TimeInterval] = []
        for attempt in 1...4 {
            let delay = policy.retryDelay(attempt: attempt, notAfter: end, now: now)
            delays.append(delay)
            now.addTimeInterval(delay)
        }
        #expect(delays.allSatisfy { $0 >= 2 && $0 <= 3.1 }, "\(delays)")
        #expect(now < end)
    }

    // MARK: - ACME Renewal Information (RFC 9773)

    let notBefore = Date(timeIntervalSince1970: 1_800_000_000)
    var notAfter: Date { notBefore.addingTimeInterval(90 * 86400) }
    func window(_ startDay: Double, _ endDay: Double) -> RenewalInfo.Window {
        .init(start: notBefore.addingTimeInterval(startDay * 86400), end: notBefore.addingTimeInterval(endDay * 86400))
    }

    @Test("a moment drawn uniformly inside a future window")
    func insideWindow() throws {
        let now = notBefore.addingTimeInterval(86400)
        let suggested = window(55, 57)
        #expect(policy.renewalTime(window: suggested, notAfter: notAfter, now: now, random: 0) == suggested.start)
        #expect(policy.renewalTime(window: suggested, notAfter: notAfter, now: now, random: 0.5) == notBefore.addingTimeInterval(56 * 86400))
        let latest = try #require(policy.renewalTime(window: suggested, notAfter: notAfter, now: now, random: 0.999_999))
        #expect(latest < suggested.end && latest > suggested.start)
    }

    @Test("a window already past, or a drawn moment already past, means now")
    func pastWindow() {
        let now = notBefore.addingTimeInterval(30 * 86400)
        #expect(policy.renewalTime(window: window(10, 11), notAfter: notAfter, now: now, random: 0.7) == now)
        #expect(policy.renewalTime(window: window(29, 31), notAfter: notAfter, now: now, random: 0.1) == now)
        #expect(policy.renewalTime(window: window(29, 31), notAfter: notAfter, now: now, random: 0.9) == notBefore.addingTimeInterval(30.8 * 86400))
    }

    @Test("an end at or before the start, or a start after expiry, is invalid: no moment")
    func invalidWindows() {
        let now = notBefore
        #expect(policy.renewalTime(window: window(57, 55), notAfter: notAfter, now: now, random: 0.5) == nil)
        #expect(policy.renewalTime(window: window(55, 55), notAfter: notAfter, now: now, random: 0.5) == nil)
        #expect(policy.renewalTime(window: window(95, 96), notAfter: notAfter, now: now, random: 0.5) == nil)
    }

    @Test("Retry-After sets when to ask again, held between a minute and a day; six hours without one")
    func askAgain() {
        #expect(policy.askAgainDelay(retryAfter: .seconds(3600)) == 3600)
        #expect(policy.askAgainDelay(retryAfter: .seconds(5)) == 60)
        #expect(policy.askAgainDelay(retryAfter: .zero) == 60)
        #expect(policy.askAgainDelay(retryAfter: .seconds(10 * 86400)) == 86400)
        #expect(policy.askAgainDelay(retryAfter: nil) == 6 * 3600)
    }

    @Test("plan: a valid window is followed, and asked again after Retry-After")
    func planFromWindow() {
        let now = notBefore.addingTimeInterval(86400)
        let plan = policy.plan(.answered(window(55, 57), retryAfter: .seconds(7200)), previous: nil, notBefore: notBefore, notAfter: notAfter, now: now, random: 0.5)
        #expect(plan == RenewalPlan(renewAt: notBefore.addingTimeInterval(56 * 86400), basis: .window(window(55, 57)), askAgainAt: now.addingTimeInterval(7200)))
        #expect(plan.wakeAt == now.addingTimeInterval(7200))
    }

    @Test("plan: the same window asked again keeps the drawn moment; a moved window (CA-initiated early renewal) is drawn again")
    func planStableUnlessMoved() {
        let first = policy.plan(.answered(window(55, 57), retryAfter: nil), previous: nil, notBefore: notBefore, notAfter: notAfter, now: notBefore, random: 0.25)
        let later = notBefore.addingTimeInterval(6 * 3600)
        let same = policy.plan(.answered(window(55, 57), retryAfter: nil), previous: first, notBefore: notBefore, notAfter: notAfter, now: later, random: 0.9)
        #expect(same.renewAt == first.renewAt)
        #expect(same.askAgainAt == later.addingTimeInterval(6 * 3600))
        let moved = policy.plan(.answered(window(0, 0.001), retryAfter: nil), previous: first, notBefore: notBefore, notAfter: notAfter, now: later, random: 0.9)
        #expect(moved.renewAt == later, "a window moved into the past means renew now")
        #expect(moved.basis == .window(window(0, 0.001)))
    }

    @Test("plan: an invalid window, a failed request or no ARI fall back to the lifetime rule")
    func planFallbacks() {
        let now = notBefore.addingTimeInterval(86400)
        let lifetime = policy.renewalTime(notBefore: notBefore, notAfter: notAfter, random: 0.5)
        let invalid = policy.plan(.answered(window(57, 55), retryAfter: .seconds(600)), previous: nil, notBefore: notBefore, notAfter: notAfter, now: now, random: 0.5)
        #expect(invalid == RenewalPlan(renewAt: lifetime, basis: .lifetime, askAgainAt: now.addingTimeInterval(600)))
        let failed = policy.plan(.failed(retryAfter: nil), previous: nil, notBefore: notBefore, notAfter: notAfter, now: now, random: 0.5)
        #expect(failed == RenewalPlan(renewAt: lifetime, basis: .lifetime, askAgainAt: now.addingTimeInterval(6 * 3600)))
        let none = policy.plan(.notOffered, previous: nil, notBefore: notBefore, notAfter: notAfter, now: now, random: 0.5)
        #expect(none == RenewalPlan(renewAt: lifetime, basis: .lifetime, askAgainAt: nil))
        #expect(none.wakeAt == lifetime)
        let again = policy.plan(.failed(retryAfter: nil), previous: failed, notBefore: notBefore, notAfter: notAfter, now: now, random: 0.99)
        #expect(again.renewAt == lifetime, "the lifetime moment is drawn once per certificate")
    }

    @Test("plan: a failed or invalid answer after a window keeps the window's moment")
    func planKeepsWindowOnFailure() {
        let first = policy.plan(.answered(window(55, 57), retryAfter: nil), previous: nil, notBefore: notBefore, notAfter: notAfter, now: notBefore, random: 0.5)
        let later = notBefore.addingTimeInterval(3600)
        let failed = policy.plan(.failed(retryAfter: .seconds(120)), previous: first, notBefore: notBefore, notAfter: notAfter, now: later, random: 0.1)
        #expect(failed == RenewalPlan(renewAt: first.renewAt, basis: first.basis, askAgainAt: later.addingTimeInterval(120)))
        let invalid = policy.plan(.answered(window(57, 55), retryAfter: nil), previous: first, notBefore: notBefore, notAfter: notAfter, now: later, random: 0.1)
        #expect(invalid.renewAt == first.renewAt && invalid.basis == first.basis)
    }

    @Test("plan: a window that replaces a lifetime plan is followed")
    func planWindowAfterFallback() {
        let failed = policy.plan(.failed(retryAfter: nil), previous: nil, notBefore: notBefore, notAfter: notAfter, now: notBefore, random: 0.5)
        let answered = policy.plan(.answered(window(40, 41), retryAfter: nil), previous: failed, notBefore: notBefore, notAfter: notAfter, now: notBefore, random: 0)
        #expect(answered.renewAt == notBefore.addingTimeInterval(40 * 86400))
    }
}

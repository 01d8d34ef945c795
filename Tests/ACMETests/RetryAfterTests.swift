import Foundation
import Testing

@testable import ACME

@Suite("Retry-After and polling delays")
struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    @Test("delay-seconds")
    func seconds() {
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse(" 0 ", now: now) == .zero)
    }

    @Test("an HTTP date in the future, in all three RFC 9110 forms")
    func httpDates() {
        // 1_700_000_090 is Tue, 14 Nov 2023 22:14:50 GMT.
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:14:50 GMT", now: now) == .seconds(90))
        #expect(RetryAfter.parse("Tuesday, 14-Nov-23 22:14:50 GMT", now: now) == .seconds(90))
        #expect(RetryAfter.parse("Tue Nov 14 22:14:50 2023", now: now) == .seconds(90))
    }

    @Test("a date in the past means now; garbage means no value")
    func pastAndGarbage() {
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("-5", now: now) == nil)
        #expect(RetryAfter.parse("", now: now) == nil)
    }

    @Test("the poll backoff starts short, grows, and is capped at a few seconds")
    func backoff() {
        var backoff = PollBackoff()
        let delays = (0..<12).map { _ in backoff.next() }
        #expect(delays[0] >= .milliseconds(100) && delays[0] <= .milliseconds(250))
        #expect(zip(delays, delays.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(delays.last == .seconds(3))
        #expect(delays.reduce(.zero, +) < .seconds(30))
    }

    @Test("a Retry-After wins over the backoff and does not advance it")
    func retryAfterWins() {
        var backoff = PollBackoff()
        #expect(backoff.next(retryAfter: .seconds(7)) == .seconds(7))
        #expect(backoff.next() == .milliseconds(150))
        backoff.reset()
        #expect(backoff.next() == .milliseconds(150))
    }
}

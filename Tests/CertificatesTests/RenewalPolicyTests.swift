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
        #expect(policy.retryDelay(attempt: 4, notAfter: start.addingTimeInterval(60), now: start) == 30)
        #expect(policy.retryDelay(attempt: 9, notAfter: start.addingTimeInterval(-10), now: start) == 60)
    }
}

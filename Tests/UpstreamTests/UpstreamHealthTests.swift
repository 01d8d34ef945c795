import Foundation
import Testing
import Upstream

@Suite("upstream health records")
struct UpstreamHealthTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("reachable only with an answer inside the window and no failure since")
    func reachability() {
        #expect(!UpstreamHealth.Record().isReachable(now: now, window: 60))
        #expect(UpstreamHealth.Record().isUnknown)
        #expect(UpstreamHealth.Record(lastAnswer: now.addingTimeInterval(-59)).isReachable(now: now, window: 60))
        #expect(!UpstreamHealth.Record(lastAnswer: now.addingTimeInterval(-61)).isReachable(now: now, window: 60))
        let failedSince = UpstreamHealth.Record(lastAnswer: now.addingTimeInterval(-10), lastFailure: now.addingTimeInterval(-5), lastFailureMessage: "refused")
        #expect(failedSince.isFailing)
        #expect(!failedSince.isReachable(now: now, window: 60))
        let recovered = UpstreamHealth.Record(lastAnswer: now.addingTimeInterval(-1), lastFailure: now.addingTimeInterval(-5), lastFailureMessage: "refused")
        #expect(!recovered.isFailing)
        #expect(recovered.isReachable(now: now, window: 60))
    }

    @Test("answers and failures are recorded with their times and the last message")
    func recording() {
        let health = UpstreamHealth()
        health.recordFailure("timed out", at: now)
        #expect(health.record.isFailing)
        #expect(health.record.lastFailureMessage == "timed out")
        health.recordAnswer(at: now.addingTimeInterval(1))
        #expect(health.record.isReachable(now: now.addingTimeInterval(2), window: 60))
    }
}

import Foundation
import NIOHTTP1
import Testing

@testable import Upstream

@Suite("the upstream's pull budget from its headers")
struct UpstreamBudgetTests {
    @Test("Docker Hub's quota form: a count and an optional window")
    func quotaForm() {
        #expect(UpstreamBudget.quota("100;w=21600").map { [$0.count, $0.window] } == [100, 21600])
        #expect(UpstreamBudget.quota(" 76 ; w=21600 ").map { [$0.count, $0.window] } == [76, 21600])
        #expect(UpstreamBudget.quota("5000").map { [$0.count, $0.window] } == [5000, nil])
        #expect(UpstreamBudget.quota("") == nil)
        #expect(UpstreamBudget.quota("many;w=60") == nil)
        #expect(UpstreamBudget.quota("-1;w=60") == nil)
    }

    @Test("Retry-After as seconds or as an HTTP date")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(UpstreamBudget.retryAfterSeconds("120", now: now) == 120)
        #expect(UpstreamBudget.retryAfterSeconds("Tue, 14 Nov 2023 22:15:20 GMT", now: now) == 120)
        #expect(UpstreamBudget.retryAfterSeconds("soon", now: now) == nil)
        #expect(UpstreamBudget.retryAfterSeconds(nil, now: now) == nil)
    }

    @Test("a response's headers update the reading; one without them changes nothing; a 429 sets the wait")
    func reading() {
        let budget = UpstreamBudget(upstream: "test-\(UUID().uuidString)")
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        budget.record(status: 200, headers: HTTPHeaders([("Content-Type", "application/json")]), at: now)
        #expect(!budget.reading.isKnown)
        budget.record(status: 200, headers: HTTPHeaders([("RateLimit-Limit", "100;w=21600"), ("RateLimit-Remaining", "42;w=21600")]), at: now)
        #expect(budget.reading.limit == 100)
        #expect(budget.reading.remaining == 42)
        #expect(budget.reading.window == 21600)
        #expect(budget.reading.retryUntil == nil)
        budget.record(status: 429, headers: HTTPHeaders([("Retry-After", "30"), ("ratelimit-remaining", "0;w=21600")]), at: now)
        #expect(budget.reading.remaining == 0)
        #expect(budget.reading.limit == 100, "a header that is absent keeps the last figure")
        #expect(budget.reading.retryUntil == now.addingTimeInterval(30))
        #expect(budget.reading.rateLimitedAnswers == 1)
        budget.record(status: 429, headers: HTTPHeaders(), at: now)
        #expect(budget.reading.lastRetryAfter == 60, "a 429 without Retry-After waits a minute")
    }
}

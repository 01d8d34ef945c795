import Foundation
import Registry
import Storage
import Testing
import Upstream

@testable import PullThrough

@Suite("tag freshness and stale-if-error as pure decisions")
struct CachePolicyTests {
    let digest = ContentHasher.digest(of: Array("manifest".utf8))

    private func record(checkedAt: Double) -> TagRecord {
        TagRecord(digest: digest, mediaType: MediaType.ociManifest, checkedAt: checkedAt)
    }

    @Test("a tag is fresh from its confirmation until, but not including, the TTL")
    func freshnessWindow() {
        let policy = CachePolicy(tagTTL: .seconds(60))
        #expect(policy.isFresh(record(checkedAt: 1000), now: 1000))
        #expect(policy.isFresh(record(checkedAt: 1000), now: 1059.9))
        #expect(!policy.isFresh(record(checkedAt: 1000), now: 1060))
        #expect(!policy.isFresh(record(checkedAt: 1000), now: 5000))
    }

    @Test("a record confirmed in the future (the clock went back) is not fresh")
    func futureRecord() {
        #expect(!CachePolicy(tagTTL: .seconds(60)).isFresh(record(checkedAt: 2000), now: 1000))
    }

    @Test("a TTL of zero revalidates every time")
    func zeroTTL() {
        #expect(!CachePolicy(tagTTL: .zero).isFresh(record(checkedAt: 1000), now: 1000))
    }

    @Test("stale answers cover failures, not answers: not found and refused access are passed on")
    func staleIfError() {
        #expect(CachePolicy.servesStale(after: .unavailable))
        #expect(CachePolicy.servesStale(after: .tooManyRequests))
        #expect(CachePolicy.servesStale(after: .badResponse))
        #expect(!CachePolicy.servesStale(after: .notFound))
        #expect(!CachePolicy.servesStale(after: .unauthorized))
    }

    @Test("the budget is spared under the reserve and while a 429's Retry-After lasts; unknown figures spare nothing")
    func sparesBudget() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        var reading = UpstreamBudget.Reading()
        let share = CachePolicy(budgetReserve: .share(0.1))
        let pulls = CachePolicy(budgetReserve: .pulls(20))
        #expect(!share.sparesBudget(reading, now: now))
        reading.limit = 100
        reading.remaining = 10
        #expect(!share.sparesBudget(reading, now: now), "10 of 100 is not below 10 %")
        reading.remaining = 9
        #expect(share.sparesBudget(reading, now: now))
        #expect(pulls.sparesBudget(reading, now: now))
        reading.remaining = 20
        #expect(!pulls.sparesBudget(reading, now: now))
        #expect(!CachePolicy(budgetReserve: .pulls(0)).sparesBudget(UpstreamBudget.Reading(), now: now))
        reading.limit = nil
        reading.remaining = 5
        #expect(!share.sparesBudget(reading, now: now), "a share needs the limit")
        reading.remaining = nil
        reading.retryUntil = now.addingTimeInterval(30)
        #expect(share.sparesBudget(reading, now: now), "a 429 asked to wait")
        #expect(!share.sparesBudget(reading, now: now.addingTimeInterval(31)), "the wait is over")
    }
}

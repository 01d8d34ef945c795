import Foundation
import Testing
import Upstream
@testable import WharfServer

@Suite("per-repository and per-client statistics and their top lists")
struct ImageStatisticsTests {
    @Test("pulls, bytes and hits add up per repository and per client; requests without a user are anonymous")
    func counts() {
        let statistics = ImageStatistics()
        statistics.record(repository: "library/a", client: "alice", isManifest: true, bytes: 500, cache: .miss)
        statistics.record(repository: "library/a", client: "alice", isManifest: false, bytes: 10_000, cache: .miss)
        statistics.record(repository: "library/a", client: "bob", isManifest: true, bytes: 500, cache: .hit)
        statistics.record(repository: "library/a", client: nil, isManifest: false, bytes: 10_000, cache: .stale)
        statistics.record(repository: "library/b", client: "bob", isManifest: false, bytes: nil, cache: .hit)
        let repositories = statistics.repositories
        #expect(repositories.top.map(\.name) == ["library/a", "library/b"])
        #expect(repositories.top[0].counts == .init(pulls: 2, bytes: 21_000, hits: 2, misses: 2))
        #expect(repositories.top[0].counts.hitRatio == 0.5)
        #expect(repositories.top[1].counts == .init(pulls: 0, bytes: 0, hits: 1, misses: 0))
        #expect(repositories.other == nil)
        let clients = Dictionary(uniqueKeysWithValues: statistics.clients.top.map { ($0.name, $0.counts) })
        #expect(clients["alice"] == .init(pulls: 1, bytes: 10_500, hits: 0, misses: 2))
        #expect(clients["bob"] == .init(pulls: 1, bytes: 500, hits: 2, misses: 0))
        #expect(clients[ImageStatistics.anonymous] == .init(pulls: 0, bytes: 10_000, hits: 1, misses: 0))
    }

    @Test("the top list holds 20, ordered by pulls then bytes; the rest add up under (other)")
    func topTwenty() {
        var table: [String: ImageStatistics.Counts] = [:]
        for index in 0..<25 { table["repo/\(index)"] = .init(pulls: index, bytes: 1, hits: 1, misses: 0) }
        table["repo/tie"] = .init(pulls: 24, bytes: 2, hits: 0, misses: 1)
        let ranking = ImageStatistics.rank(table)
        #expect(ranking.top.count == 20)
        #expect(ranking.top.prefix(3).map(\.name) == ["repo/tie", "repo/24", "repo/23"], "equal pulls: more bytes first")
        #expect(ranking.top.last?.name == "repo/6")
        #expect(ranking.other == .init(pulls: 0 + 1 + 2 + 3 + 4 + 5, bytes: 6, hits: 6, misses: 0))
    }

    @Test("past the tracked limit, new names count under (other), so memory stays bounded")
    func boundedMemory() {
        let statistics = ImageStatistics()
        for index in 0..<(ImageStatistics.tracked + 5) {
            statistics.record(repository: "r/\(index)", client: "c", isManifest: true, bytes: 1, cache: .miss)
        }
        let ranking = statistics.repositories
        #expect(ranking.top.count == ImageStatistics.shown)
        let counted = ranking.top.reduce(0) { $0 + $1.counts.pulls } + (ranking.other?.pulls ?? 0)
        #expect(counted == ImageStatistics.tracked + 5, "nothing is lost, only folded")
    }

    @Test("the status page lists repositories and clients with pulls, bytes and hit ratio, escaped")
    func rendering() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let statistics = ImageStatistics()
        statistics.record(repository: "library/a", client: "<alice>", isManifest: true, bytes: 2048, cache: .hit)
        statistics.record(repository: "library/a", client: "<alice>", isManifest: false, bytes: 1024, cache: .miss)
        let snapshot = StatusSnapshot(
            now: now, startedAt: now, upstreams: [], reachabilityWindow: 65,
            store: .init(root: "/x", bytes: nil, objects: nil, measuredAt: nil, maxSize: nil),
            cache: .init(), certificate: nil, recentErrors: [],
            repositories: statistics.repositories, clients: statistics.clients
        )
        let html = StatusPage.render(snapshot)
        #expect(html.contains(#"<tr id="repository-library/a"><td>library/a</td><td>1</td><td>3.0 KiB</td><td>50.0 %</td></tr>"#), "\(html)")
        #expect(html.contains(#"<tr id="client-&lt;alice&gt;"><td>&lt;alice&gt;</td><td>1</td>"#), "\(html)")
        let empty = StatusPage.render(StatusSnapshot(
            now: now, startedAt: now, upstreams: [], reachabilityWindow: 65,
            store: .init(root: "/x", bytes: nil, objects: nil, measuredAt: nil, maxSize: nil),
            cache: .init(), certificate: nil, recentErrors: []
        ))
        #expect(empty.contains(#"<p id="repository-ranking">No pulls yet.</p>"#))
    }

    @Test("the upstream's pull budget on the status page")
    func budgetRendering() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var reading = UpstreamBudget.Reading()
        #expect(StatusPage.budget(reading, now: now) == "not reported")
        reading.limit = 100
        reading.remaining = 42
        reading.window = 21600
        #expect(StatusPage.budget(reading, now: now) == "42 of 100 pulls left per 6 h")
        reading.retryUntil = now.addingTimeInterval(60)
        reading.rateLimitedAnswers = 2
        #expect(StatusPage.budget(reading, now: now).contains(#"<span class="bad">rate-limited until "#))
        #expect(StatusPage.budget(reading, now: now).hasSuffix("2 × 429"))
        #expect(!StatusPage.budget(reading, now: now.addingTimeInterval(61)).contains("rate-limited until"))
    }
}

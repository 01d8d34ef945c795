import Foundation
import Testing
import Upstream
@testable import WharfServer

@Suite("the status page's rendering")
struct StatusPageRenderingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func snapshot(
        health: UpstreamHealth.Record = .init(),
        cache: ServerActivity.CacheCounts = .init(),
        certificate: StatusSnapshot.Certificate? = nil,
        errors: [ServerActivity.RecentError] = []
    ) -> StatusSnapshot {
        StatusSnapshot(
            now: now,
            startedAt: now.addingTimeInterval(-3600),
            upstreams: [.init(name: "docker.io", origin: "https://registry-1.docker.io", health: health)],
            reachabilityWindow: 65,
            store: .init(root: "/var/lib/wharf", bytes: 3 * 1024 * 1024 * 1024 / 2, objects: 42, measuredAt: now, maxSize: nil),
            cache: cache,
            certificate: certificate,
            recentErrors: errors
        )
    }

    @Test("text from requests and upstreams is escaped, so a crafted path cannot inject markup")
    func escapesEverything() {
        let error = ServerActivity.RecentError(date: now, method: "GET", path: "/v2/<script>alert(1)</script>/manifests/x", status: 400, message: "name \"<b>\" & more")
        let html = StatusPage.render(snapshot(health: .init(lastFailure: now, lastFailureMessage: "<img src=x>"), errors: [error]))
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<img"))
        #expect(html.contains("/v2/&lt;script&gt;alert(1)&lt;/script&gt;/manifests/x"))
        #expect(html.contains("name &quot;&lt;b&gt;&quot; &amp; more"))
        #expect(html.contains("&lt;img src=x&gt;"))
    }

    @Test("the hit ratio counts stale answers as hits; sizes read in binary units")
    func hitRatioAndSize() {
        let html = StatusPage.render(snapshot(cache: .init(hits: 2, misses: 1, stale: 1)))
        #expect(html.contains(#"<td id="hit-ratio">75.0 %</td>"#))
        #expect(html.contains("1.5 GiB in 42 objects"))
        #expect(StatusPage.render(snapshot()).contains("no requests yet"))
        #expect(StatusPage.byteCount(512) == "512 bytes")
        #expect(StatusPage.byteCount(1536) == "1.5 KiB")
    }

    @Test("an upstream reads reachable, unreachable with the reason, or not checked yet")
    func upstreamStates() {
        let reachable = StatusPage.render(snapshot(health: .init(lastAnswer: now.addingTimeInterval(-10))))
        #expect(reachable.contains(#"<span class="ok">reachable</span>"#))
        let failing = StatusPage.render(snapshot(health: .init(lastAnswer: now.addingTimeInterval(-100), lastFailure: now.addingTimeInterval(-5), lastFailureMessage: "connection refused")))
        #expect(failing.contains(#"<span class="bad">unreachable</span>: connection refused"#))
        let quiet = StatusPage.render(snapshot(health: .init(lastAnswer: now.addingTimeInterval(-600))))
        #expect(quiet.contains(#"<span class="bad">unreachable</span>"#), "an answer older than the window no longer counts")
        #expect(StatusPage.render(snapshot()).contains("not checked yet"))
    }

    @Test("the certificate shows days left, or expired")
    func certificateDays() {
        let valid = StatusSnapshot.Certificate(names: ["mirror.example"], issuer: "Test CA", serial: "0A1B", notAfter: now.addingTimeInterval(86400 * 12.5), isSelfIssued: false)
        let html = StatusPage.render(snapshot(certificate: valid))
        #expect(html.contains("12.5 days left"))
        #expect(html.contains("mirror.example"))
        var expired = valid
        expired.notAfter = now.addingTimeInterval(-1)
        #expect(StatusPage.render(snapshot(certificate: expired)).contains(#"<span class="bad">expired</span>"#))
        #expect(StatusPage.render(snapshot()).contains("No TLS"))
    }

    @Test("recent errors keep the newest 20, newest first; 401, 404 and 429 are not errors of the server")
    func recentErrors() {
        let activity = ServerActivity()
        for index in 0..<25 {
            activity.recordError(.init(date: now.addingTimeInterval(Double(index)), method: "GET", path: "/\(index)", status: 502, message: "m"))
        }
        let kept = activity.recentErrors
        #expect(kept.count == ServerActivity.recentErrorLimit)
        #expect(kept.first?.path == "/24")
        #expect(kept.last?.path == "/5")
        #expect(ServerActivity.isWorthShowing(status: 502))
        #expect(ServerActivity.isWorthShowing(status: 400))
        #expect(!ServerActivity.isWorthShowing(status: 404))
        #expect(!ServerActivity.isWorthShowing(status: 401))
        #expect(!ServerActivity.isWorthShowing(status: 429))
    }
}

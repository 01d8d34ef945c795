import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("repository policy: refused pulls never reach the upstream; pinned tags are not revalidated")
struct RepositoryPolicyTests {
    @Test("denied repositories, refused tags and repositories outside allow answer 403 DENIED naming the rule, with zero upstream requests")
    func deniedNeverReachesUpstream() async throws {
        let image = try ImageFactory.image(layerSizes: [3000], seed: 190)
        let policy = """
              repositories:
                allow: ["library/*", "myorg/**"]
                deny: ["library/secret", "**:latest"]
            """
        let images = [("library/secret", "1", image), ("library/test", "1", image), ("library/test", "latest", image), ("myorg/team/app", "1", image), ("other/x", "1", image)]
        try await PullFixture.with("policy-deny", images: images, proxyYAML: policy) { fixture in
            let wharf = fixture.wharf.url
            // Seeding pushed through the same registry: count only what came after it. Wharf's own
            // probe of /v2/ may come at any time, so count what touches the refused names.
            let seeded = try await fixture.upstream.settledAccessLog().count
            func touchingRefused() async throws -> [String] {
                try await fixture.upstream.settledAccessLog().dropFirst(seeded).map { "\($0.method) \($0.path)" }
                    .filter { $0.contains("/library/secret/") || $0.contains("/other/x/") || $0.contains("/library/test/manifests/latest") }
            }
            func touchingAllowed() async throws -> Int {
                try await fixture.upstream.settledAccessLog().dropFirst(seeded).count { $0.path.contains("/library/test/manifests/1") || $0.path.contains("/myorg/team/app/") }
            }
            let refused: [(HTTPMethod, String, String)] = [
                (.GET, "/v2/library/secret/manifests/1", #"proxy.repositories.deny "library/secret""#),
                (.GET, "/v2/library/secret/manifests/\(image.manifestDigest)", #"proxy.repositories.deny "library/secret""#),
                (.GET, "/v2/library/secret/blobs/\(image.layers[0].digest)", #"proxy.repositories.deny "library/secret""#),
                (.HEAD, "/v2/library/secret/blobs/\(image.layers[0].digest)", ""),
                (.GET, "/v2/library/secret/tags/list", #"proxy.repositories.deny "library/secret""#),
                (.GET, "/v2/library/test/manifests/latest", #"proxy.repositories.deny "**:latest""#),
                (.GET, "/v2/other/x/manifests/1", "proxy.repositories.allow (no pattern matches)"),
            ]
            for (method, path, rule) in refused {
                let answer = try await HTTPProbe.send(method, wharf + path)
                #expect(answer.status == 403, "\(method) \(path): \(answer.status) \(answer.body)")
                if method == .GET {
                    #expect(answer.errorCode == "DENIED", "\(path): \(answer.body)")
                    #expect(answer.body.contains(rule.replacingOccurrences(of: "\"", with: "\\\"")), "the rule is named: \(answer.body)")
                }
            }
            #expect(try await touchingRefused() == [], "no refused request reached the upstream")

            for path in ["/v2/library/test/manifests/1", "/v2/myorg/team/app/manifests/1", "/v2/library/test/manifests/\(image.manifestDigest)"] {
                let answer = try await HTTPProbe.send(.GET, wharf + path)
                #expect(answer.status == 200, "\(path) is allowed: \(answer.body)")
            }
            #expect(try await touchingAllowed() >= 2, "allowed pulls do reach the upstream")
            #expect(try await touchingRefused() == [])

            let metrics = try await HTTPProbe.send(.GET, wharf + "/metrics").body
            let upstream = fixture.upstream.hostAndPort
            #expect(MetricsText.value(in: metrics, "wharf_policy_refusals_total", labels: ["upstream": upstream, "reason": "deny"]) == 5, "\(metrics)")
            #expect(MetricsText.value(in: metrics, "wharf_policy_refusals_total", labels: ["upstream": upstream, "reason": "deny_tag"]) == 1)
            #expect(MetricsText.value(in: metrics, "wharf_policy_refusals_total", labels: ["upstream": upstream, "reason": "not_allowed"]) == 1)
            let log = fixture.wharf.log()
            #expect(log.contains("pull refused by repository policy"), "\(log.suffix(3000))")
            #expect(log.contains("library/secret:1"), "the log names what was refused")
        }
    }

    @Test("a pinned tag is answered from the cache after tagttl with no upstream request, while an unpinned one is revalidated")
    func pinnedTagIsNotRevalidated() async throws {
        let first = try ImageFactory.image(layerSizes: [2000], seed: 191)
        let moved = try ImageFactory.image(layerSizes: [2500], seed: 192)
        let policy = """
              tagttl: 2s
              repositories:
                pinned: ["library/base:v1*"]
            """
        try await PullFixture.with("policy-pinned", images: [("library/base", "v1.0", first), ("library/free", "v1.0", first)], proxyYAML: policy) { fixture in
            func digest(_ path: String) async throws -> String? {
                try await HTTPProbe.send(.GET, fixture.wharf.url + path).headers.first(name: "Docker-Content-Digest")
            }
            func heads(_ repository: String) async throws -> Int {
                try await fixture.upstream.settledAccessLog().count { $0.method == "HEAD" && $0.path == "/v2/\(repository)/manifests/v1.0" }
            }
            #expect(try await digest("/v2/library/base/manifests/v1.0") == first.manifestDigest)
            #expect(try await digest("/v2/library/free/manifests/v1.0") == first.manifestDigest)
            let fetchedAt = ContinuousClock.now
            #expect(try await heads("library/base") == 1)
            #expect(try await heads("library/free") == 1)
            // The pinned tag moves upstream; a pinned tag must not see it.
            try await fixture.push(moved, repository: "library/base", tag: "v1.0")
            try await Task.sleep(until: fetchedAt + .seconds(2.5), clock: .continuous)

            #expect(try await digest("/v2/library/base/manifests/v1.0") == first.manifestDigest, "the pinned tag keeps its cached digest")
            #expect(try await digest("/v2/library/free/manifests/v1.0") == first.manifestDigest)
            #expect(try await heads("library/base") == 1, "the pinned tag was not revalidated after tagttl")
            #expect(try await heads("library/free") == 2, "the unpinned tag was: tagttl had passed")
        }
    }
}

import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("the upstream's pull budget: rate-limit headers and 429s drive the metrics, the status page and stale answers")
struct UpstreamBudgetTests {
    @Test("near the limit, and after a 429 while Retry-After lasts, cached tags are served past tagttl with no upstream request")
    func budgetDrivesMetricsAndStaleAnswers() async throws {
        let images = try [190, 191, 192].map { try ImageFactory.image(layerSizes: [1500], seed: UInt64($0 + 10)) }
        let folder = try TemporaryFolder(prefix: "wharf-budget")
        let registry = try await DockerRegistryPeer.start(in: folder)
        let front: RateLimitFront
        let wharf: WharfProcess
        do {
            let seeder = RegistrySeeder(baseURL: registry.url)
            for (repository, image) in zip(["library/a", "library/b", "library/c"], images) {
                try await seeder.push(image, repository: repository, tag: "1")
            }
            try await seeder.shutdown()
            front = try await RateLimitFront.start(upstream: registry.url, limit: 100, remaining: 50)
            wharf = try await WharfProcess.start(in: folder, upstreamURL: front.url, proxyYAML: "  tagttl: 1s\n  ratelimit:\n    reserve: 10%")
        } catch {
            await registry.stop()
            folder.remove()
            throw error
        }
        func get(_ repository: String) async throws -> HTTPProbe.Answer {
            try await HTTPProbe.send(.GET, wharf.url + "/v2/\(repository)/manifests/1")
        }
        func forwarded(_ repository: String) -> Int {
            front.forwarded.count { $0.contains("/v2/\(repository)/manifests/1") }
        }
        func metric(_ name: String, _ labels: [String: String] = [:]) async throws -> Double? {
            MetricsText.value(in: try await HTTPProbe.send(.GET, wharf.url + "/metrics").body, name, labels: labels)
        }
        let upstream = ["upstream": "127.0.0.1:\(front.port)"]
        do {
            let first = try await get("library/a")
            let fetchedAt = ContinuousClock.now
            #expect(first.status == 200, "\(first.body)")
            #expect(forwarded("library/a") == 2, "one HEAD and one GET: \(front.forwarded)")
            #expect(try await metric("wharf_upstream_ratelimit_limit", upstream) == 100)
            #expect(try await metric("wharf_upstream_ratelimit_remaining", upstream) == 49, "the GET spent one of 50")
            let page = try await HTTPProbe.send(.GET, wharf.url + "/").body
            #expect(page.contains(#"<td id="budget-127.0.0.1:\#(front.port)">49 of 100 pulls left per 6 h</td>"#), "\(page)")

            // Wharf learns of the low budget from the next upstream answer.
            front.setRemaining(5)
            #expect(try await get("library/b").status == 200)
            #expect(try await metric("wharf_upstream_ratelimit_remaining", upstream) == 4)
            try await Task.sleep(until: fetchedAt + .seconds(1.5), clock: .continuous)
            let spared = try await get("library/a")
            #expect(spared.status == 200)
            #expect(spared.headers.first(name: "Docker-Content-Digest") == images[0].manifestDigest)
            #expect(spared.headers.first(name: "X-Wharf-Cache") == "stale", "served past tagttl, and says so")
            #expect(forwarded("library/a") == 2, "no revalidation spent near the limit: \(front.forwarded)")
            #expect(try await metric("wharf_stale_answers_total", ["reason": "budget"]) == 1)
            #expect(wharf.log().contains("upstream near its pull limit: serving the cached tag past tagttl"), "\(wharf.log().suffix(2000))")

            // Budget back, but the upstream now answers 429 with Retry-After: nothing cached is
            // asked for until the wait is over, and the 429 is passed on for what is not cached.
            front.setRemaining(80)
            front.limit(retryAfter: 120)
            let limited = try await get("library/c")
            #expect(limited.status == 429, "\(limited.body)")
            #expect(limited.errorCode == "TOOMANYREQUESTS")
            #expect(try await metric("wharf_upstream_rate_limited_total", upstream) == 1)
            #expect(try await metric("wharf_upstream_retry_after_seconds", upstream) == 120)
            front.resume()
            let before = front.forwarded.count
            for repository in ["library/a", "library/b"] {
                let answer = try await get(repository)
                #expect(answer.status == 200)
                #expect(answer.headers.first(name: "X-Wharf-Cache") == "stale")
            }
            #expect(front.forwarded.count == before, "no request while Retry-After lasts: \(front.forwarded.suffix(4))")
            let limitedPage = try await HTTPProbe.send(.GET, wharf.url + "/").body
            #expect(limitedPage.contains("rate-limited until"), "\(limitedPage)")
        } catch {
            await wharf.stop()
            await front.stop()
            await registry.stop()
            folder.remove()
            throw error
        }
        await wharf.stop()
        await front.stop()
        await registry.stop()
        folder.remove()
    }
}

import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("the status page and readiness")
struct StatusPageTests {
    @Test("headless Chromium loads the status page: the upstream reachable, the hit ratio, the certificate's days left, recent errors")
    func statusPageInChromium() async throws {
        let debugPort = try FreePort.make()
        let setup = try await TLSServingTests.Setup.start("status-page", httpYAML: "  debug:\n    addr: 127.0.0.1:\(debugPort)\n")
        do {
            let curl = try Command.locate("curl", debianPackage: "curl")
            let base = "https://localhost:\(setup.wharf.port)"
            let blob = "\(base)/v2/library/test/blobs/\(setup.image.layers[0].digest)"
            for _ in 0..<2 {
                let fetched = try await Command.run(curl, ["-sf", "-o", "/dev/null", "--cacert", setup.authority.certificatePath, blob])
                #expect(fetched.status == 0, "\(fetched.stderr)")
            }
            let invalid = try await Command.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", setup.authority.certificatePath, "\(base)/v2/Bad_Name/manifests/latest"])
            #expect(invalid.stdout == "400")
            try await OperationsTests.waitUntilReady("http://127.0.0.1:\(debugPort)")

            let dom = try await HeadlessChromium.dumpDOM("http://127.0.0.1:\(debugPort)/")
            #expect(dom.contains("<title>Wharf status</title>"), "\(dom)")
            #expect(dom.contains(#"<span class="ok">reachable</span>"#), "the upstream shows as reachable:\n\(dom)")
            #expect(dom.contains(setup.upstream.url), "the upstream's origin is listed:\n\(dom)")
            #expect(dom.contains(#"<td id="hit-ratio">50.0 %</td>"#), "one miss and one hit make 50 %:\n\(dom)")
            #expect(dom.contains("1 hits, 1 misses, 0 stale"), "\(dom)")
            #expect(dom.contains(setup.leafA.serial), "the served certificate's serial is shown:\n\(dom)")
            #expect(dom.range(of: #"\(\d+\.\d days left\)"#, options: .regularExpression) != nil, "days left are shown:\n\(dom)")
            #expect(dom.contains("/v2/Bad_Name/manifests/latest"), "the failed request is among the recent errors:\n\(dom)")
            #expect(!dom.contains("<script"), "no JavaScript")
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    @Test("/readyz turns 503 naming the upstream once it stops answering, and the status page says unreachable")
    func readinessFollowsTheUpstream() async throws {
        let image = try ImageFactory.image(layerSizes: [20_000], seed: 133)
        try await PullFixture.with("ready-upstream", images: [("library/test", "latest", image)]) { fixture in
            try await OperationsTests.waitUntilReady(fixture.wharf.url)
            await fixture.upstream.stop()
            // A real request finds the upstream gone at once; the probe would within a minute.
            let manifest = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/library/test/manifests/latest")
            #expect(manifest.status == 503, "nothing cached and no upstream: \(manifest.body)")
            let ready = try await HTTPProbe.send(.GET, fixture.wharf.url + "/readyz")
            #expect(ready.status == 503)
            #expect(ready.body.contains("upstream 127.0.0.1:"), "\(ready.body)")
            #expect(ready.body.contains("unreachable"), "\(ready.body)")
            #expect(try await HTTPProbe.send(.GET, fixture.wharf.url + "/healthz").status == 200, "still alive, only not ready")
            let page = try await HTTPProbe.send(.GET, fixture.wharf.url + "/")
            #expect(page.body.contains(#"<span class="bad">unreachable</span>"#), "\(page.body)")
        }
    }
}

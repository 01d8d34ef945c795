import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("operating Wharf: metrics, health, graceful shutdown")
struct OperationsTests {
    /// Waits for `/readyz` to say ready (the first upstream probe runs as the server starts).
    static func waitUntilReady(_ baseURL: String) async throws {
        var last: HTTPProbe.Answer?
        for _ in 0..<100 {
            last = try await HTTPProbe.send(.GET, baseURL + "/readyz")
            if last?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("/readyz did not turn ready within 10 s: \(last?.status ?? 0) \(last?.body ?? "")")
    }

    @Test("/healthz and /readyz answer without auth; /metrics needs it on the main listener and counts what happened")
    func endpointsOnMainListener() async throws {
        let image = try ImageFactory.image(layerSizes: [30_000], seed: 130)
        let folder = try TemporaryFolder(prefix: "wharf-ops")
        defer { folder.remove() }
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let seeder = RegistrySeeder(baseURL: upstream.url)
        try await seeder.push(image, repository: "library/test", tag: "latest")
        try await seeder.shutdown()
        let htpasswd = folder.file("htpasswd")
        let made = try await Command.run(try Command.locate("htpasswd", debianPackage: "apache2-utils"), ["-Bbc", "-C", "5", htpasswd, "ops", "ops-pw"])
        #expect(made.status == 0)
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, extraYAML: "auth:\n  htpasswd:\n    realm: ops\n    path: \(htpasswd)\n")
        let credentials = ("Authorization", "Basic " + Data("ops:ops-pw".utf8).base64EncodedString())

        #expect(try await HTTPProbe.send(.GET, wharf.url + "/healthz").status == 200)
        try await Self.waitUntilReady(wharf.url)
        #expect(try await HTTPProbe.send(.GET, wharf.url + "/metrics").status == 401)
        #expect(try await HTTPProbe.send(.GET, wharf.url + "/").status == 401, "the status page needs credentials on the main listener")
        let page = try await HTTPProbe.send(.GET, wharf.url + "/", headers: [("Authorization", "Basic " + Data("ops:ops-pw".utf8).base64EncodedString())])
        #expect(page.status == 200)
        #expect(page.headers.first(name: "Content-Type") == "text/html; charset=utf-8")

        let pulled = try await Skopeo.copy("docker://\(wharf.hostPort)/library/test:latest", "dir:\(folder.file("out"))", arguments: ["--src-tls-verify=false", "--src-creds", "ops:ops-pw"])
        #expect(pulled.status == 0, "\(pulled.summary)")
        _ = try await HTTPProbe.send(.GET, wharf.url + "/v2/", headers: [("Authorization", "Basic " + Data("ops:wrong".utf8).base64EncodedString())])
        _ = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/test/blobs/\(image.layers[0].digest)", headers: [credentials])

        let metrics = try await HTTPProbe.send(.GET, wharf.url + "/metrics", headers: [credentials])
        #expect(metrics.status == 200)
        #expect(metrics.headers.first(name: "Content-Type")?.hasPrefix("text/plain") == true)
        let text = metrics.body
        for line in [
            #"wharf_requests_total{route="manifest",status="200"}"#,
            #"wharf_cache_total{kind="blob",result="miss"}"#,
            #"wharf_cache_total{kind="blob",result="hit"}"#,
            "wharf_upstream_bytes_total",
            "wharf_auth_failures_total",
            "wharf_request_duration_seconds_bucket",
            "wharf_upstream_fetches_in_flight",
        ] {
            #expect(text.contains(line), "metrics lack \(line)")
        }
        await wharf.stop()
        await upstream.stop()
    }

    @Test("http.debug.addr serves /metrics without auth on its own listener")
    func debugListener() async throws {
        let debugPort = try FreePort.make()
        try await PullFixture.with("ops-debug", images: []) { fixture in
            // The fixture's Wharf has no debug listener; start a second one that has.
            let wharf = try await WharfProcess.start(
                in: fixture.folder,
                upstreamURL: fixture.upstream.url,
                httpYAML: "  debug:\n    addr: 127.0.0.1:\(debugPort)\n",
                name: "with-debug"
            )
            let metrics = try await HTTPProbe.send(.GET, "http://127.0.0.1:\(debugPort)/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("wharf_store_bytes"))
            #expect(try await HTTPProbe.send(.GET, "http://127.0.0.1:\(debugPort)/v2/").status == 404)
            await wharf.stop()
        }
    }

    @Test("SIGTERM stops accepting and exits within the drain bound, leaving no half-written file; a second signal stops at once")
    func gracefulShutdown() async throws {
        let image = try ImageFactory.image(layerSizes: [40 * 1024 * 1024], seed: 131)
        try await PullFixture.with("ops-term", images: [("library/big", "latest", image)]) { fixture in
            let curl = try Command.locate("curl", debianPackage: "curl")
            async let slow = Command.run(curl, [
                "-s", "-o", "/dev/null", "-w", "%{size_download}", "--limit-rate", "5M", fixture.wharf.url + "/v2/library/big/blobs/\(image.layers[0].digest)",
            ], timeout: .seconds(60))
            try await Task.sleep(for: .seconds(1))
            fixture.wharf.send(SIGTERM)
            try await Task.sleep(for: .milliseconds(500))
            // A fresh connection (not a pooled one the server is closing) must be refused.
            let refused = try await Command.run(curl, ["-s", "-o", "/dev/null", "-m", "5", fixture.wharf.url + "/v2/"], timeout: .seconds(30))
            #expect(refused.status == 7, "no new connections are accepted while draining (curl exit \(refused.status); 7 is connection refused)")
            let status = try await fixture.wharf.waitForExit(timeout: .seconds(35))
            #expect(status == 0, "exits cleanly within the 30 s drain bound")
            let finished = try await slow
            #expect(finished.status == 0 && finished.stdout == "\(image.layers[0].size)", "the response running at SIGTERM finishes whole: curl exit \(finished.status), \(finished.stdout) of \(image.layers[0].size) bytes")
            #expect((try? FileManager.default.contentsOfDirectory(atPath: fixture.wharf.storagePath + "/tmp"))?.isEmpty ?? true)
            let stored = fixture.wharf.storagePath + "/blobs/sha256/" + image.layers[0].hex
            if let bytes = FileManager.default.contents(atPath: stored) {
                #expect(TestBlob.digest(of: Array(bytes)) == image.layers[0].digest, "what is stored is whole")
            }

            // A second signal while draining stops at once.
            let again = try await fixture.wharf.restarted()
            async let second = Command.run(curl, [
                "-s", "-o", "/dev/null", "--limit-rate", "1M", fixture.wharf.url + "/v2/library/big/blobs/\(image.layers[0].digest)",
            ], timeout: .seconds(60))
            try await Task.sleep(for: .seconds(1))
            again.send(SIGTERM)
            try await Task.sleep(for: .milliseconds(300))
            again.send(SIGTERM)
            let stopped = try await again.waitForExit(timeout: .seconds(6))
            #expect(stopped != nil, "the second signal ends the process within seconds")
            _ = try? await second
        }
    }
}

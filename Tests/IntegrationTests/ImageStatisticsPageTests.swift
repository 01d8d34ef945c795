import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("per-repository and per-client statistics on the status page and in metrics")
struct ImageStatisticsPageTests {
    @Test("headless Chromium shows pulls, bytes and hit ratio per repository and per htpasswd user; metrics carry the same")
    func statisticsInChromium() async throws {
        let image = try ImageFactory.image(layerSizes: [30_000], seed: 193)
        let other = try ImageFactory.image(layerSizes: [4000], seed: 194)
        let folder = try TemporaryFolder(prefix: "wharf-image-stats")
        let upstream = try await DockerRegistryPeer.start(in: folder)
        var wharf: WharfProcess?
        do {
            let seeder = RegistrySeeder(baseURL: upstream.url)
            try await seeder.push(image, repository: "library/test", tag: "1")
            try await seeder.push(other, repository: "myorg/app", tag: "1")
            try await seeder.shutdown()
            let path = folder.file("htpasswd")
            for (user, password) in [("alice", "alice-pw"), ("bob", "bob-pw")] {
                let added = try await Command.run("/bin/sh", ["-c", "printf '\(password)' | \(try WharfProcess.binaryPath()) htpasswd add --cost 5 \(path) \(user)"])
                #expect(added.status == 0, "\(added.summary)")
            }
            let debugPort = try FreePort.make()
            let started = try await WharfProcess.start(
                in: folder,
                upstreamURL: upstream.url,
                httpYAML: "  debug:\n    addr: 127.0.0.1:\(debugPort)\n",
                extraYAML: "auth:\n  htpasswd:\n    realm: wharf-test\n    path: \(path)\n"
            )
            wharf = started
            func get(_ path: String, as user: String) async throws -> HTTPProbe.Answer {
                let credentials = ("Authorization", "Basic " + Data("\(user):\(user)-pw".utf8).base64EncodedString())
                return try await HTTPProbe.send(.GET, started.url + path, headers: [credentials])
            }
            let layer = "/v2/library/test/blobs/\(image.layers[0].digest)"
            for _ in 0..<2 {
                #expect(try await get("/v2/library/test/manifests/1", as: "alice").status == 200)
                #expect(try await get(layer, as: "alice").status == 200)
            }
            #expect(try await get("/v2/myorg/app/manifests/1", as: "bob").status == 200)
            #expect(try await HTTPProbe.send(.GET, started.url + "/v2/myorg/app/manifests/1").status == 401, "no statistics for a refused request")

            let testBytes = 2 * (image.manifest.count + image.layers[0].bytes.count)
            let dom = try await HeadlessChromium.dumpDOM("http://127.0.0.1:\(debugPort)/")
            #expect(dom.contains(#"<tr id="repository-library/test"><td>library/test</td><td>2</td><td>\#(Self.kibibytes(testBytes))</td><td>50.0 %</td></tr>"#), "\(dom)")
            #expect(dom.contains(#"<tr id="repository-myorg/app"><td>myorg/app</td><td>1</td>"#), "\(dom)")
            #expect(dom.contains(#"<tr id="client-alice"><td>alice</td><td>2</td><td>\#(Self.kibibytes(testBytes))</td><td>50.0 %</td></tr>"#), "\(dom)")
            #expect(dom.contains(#"<tr id="client-bob"><td>bob</td><td>1</td>"#), "\(dom)")
            #expect(dom.range(of: "repository-library/test")!.lowerBound < dom.range(of: "repository-myorg/app")!.lowerBound, "most pulls first")

            let metrics = try await HTTPProbe.send(.GET, "http://127.0.0.1:\(debugPort)/metrics").body
            #expect(MetricsText.value(in: metrics, "wharf_repository_pulls", labels: ["repository": "library/test"]) == 2, "\(metrics)")
            #expect(MetricsText.value(in: metrics, "wharf_repository_bytes_served", labels: ["repository": "library/test"]) == Double(testBytes))
            #expect(MetricsText.value(in: metrics, "wharf_repository_cache_hit_ratio", labels: ["repository": "library/test"]) == 0.5)
            #expect(MetricsText.value(in: metrics, "wharf_client_pulls", labels: ["client": "alice"]) == 2)
            #expect(MetricsText.value(in: metrics, "wharf_client_pulls", labels: ["client": "bob"]) == 1)
            #expect(started.log().contains("user=alice") || started.log().contains(#""user":"alice""#), "the request log names the user")
            #expect(!started.log().contains("alice-pw"), "never the password")
        } catch {
            await wharf?.stop()
            await upstream.stop()
            folder.remove()
            throw error
        }
        await wharf?.stop()
        await upstream.stop()
        folder.remove()
    }

    /// What the status page prints for a size between 1 KiB and 1 MiB.
    static func kibibytes(_ bytes: Int) -> String {
        String(format: "%.1f KiB", Double(bytes) / 1024)
    }
}

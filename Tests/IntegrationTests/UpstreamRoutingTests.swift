import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("several upstreams: ?ns=, path prefixes, separate caches")
struct UpstreamRoutingTests {
    @Test("ns and path prefixes pick the upstream; the same name on two upstreams never mixes; an unknown ns is refused")
    func routing() async throws {
        let imageA = try ImageFactory.image(layerSizes: [10_000], seed: 60)
        let imageB = try ImageFactory.image(layerSizes: [12_000], seed: 61)
        let folder = try TemporaryFolder(prefix: "wharf-routing")
        defer { folder.remove() }
        let upstreamA = try await DockerRegistryPeer.start(in: folder, name: "a")
        let upstreamB = try await DockerRegistryPeer.start(in: folder, name: "b")
        for (peer, image) in [(upstreamA, imageA), (upstreamB, imageB)] {
            let seeder = RegistrySeeder(baseURL: peer.url)
            try await seeder.push(image, repository: "library/test", tag: "latest")
            try await seeder.shutdown()
        }
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstreamA.url,
            proxyYAML: "  name: a.example\n  upstreams:\n    - name: b.example\n      remoteurl: \(upstreamB.url)"
        )
        func digest(_ path: String) async throws -> String? {
            let answer = try await HTTPProbe.send(.GET, wharf.url + path)
            return answer.status == 200 ? answer.headers.first(name: "Docker-Content-Digest") : "status \(answer.status) \(answer.body)"
        }
        #expect(try await digest("/v2/library/test/manifests/latest") == imageA.manifestDigest)
        #expect(try await digest("/v2/library/test/manifests/latest?ns=a.example") == imageA.manifestDigest)
        #expect(try await digest("/v2/library/test/manifests/latest?ns=b.example") == imageB.manifestDigest)
        #expect(try await digest("/v2/b.example/library/test/manifests/latest") == imageB.manifestDigest)
        #expect(try await digest("/v2/a.example/library/test/manifests/latest") == imageA.manifestDigest)
        // Blobs are shared by digest, but each upstream only ever serves what it was asked for.
        #expect(try await digest("/v2/library/test/blobs/\(imageB.layers[0].digest)?ns=b.example") == imageB.layers[0].digest)

        let unknown = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/test/manifests/latest?ns=evil.example")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "NAME_UNKNOWN")

        // The tag records are kept per upstream.
        let tagsA = wharf.storagePath + "/repositories/a.example/library/test/_tags/latest"
        let tagsB = wharf.storagePath + "/repositories/b.example/library/test/_tags/latest"
        #expect(try String(contentsOfFile: tagsA, encoding: .utf8).contains(imageA.manifestDigest))
        #expect(try String(contentsOfFile: tagsB, encoding: .utf8).contains(imageB.manifestDigest))
        await wharf.stop()
        await upstreamA.stop()
        await upstreamB.stop()
    }

    @Test("with one upstream, ns is ignored as distribution does")
    func singleUpstreamIgnoresNamespace() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 62)
        try await PullFixture.with("ns-ignored", images: [("library/test", "latest", image)]) { fixture in
            let answer = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/library/test/manifests/latest?ns=docker.io")
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: "Docker-Content-Digest") == image.manifestDigest)
        }
    }
}

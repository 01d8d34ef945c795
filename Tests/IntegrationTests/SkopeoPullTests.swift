import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("skopeo pulls through Wharf from a real docker-registry", .serialized)
struct SkopeoPullTests {
    @Test("a 3-layer image pulled through Wharf is identical to a direct pull")
    func singleArchPull() async throws {
        let image = try ImageFactory.image(layerSizes: [300_000, 1_000_000, 2_000_000], seed: 1)
        try await PullFixture.with("single", images: [("library/test", "latest", image)]) { fixture in
            let through = fixture.folder.file("through")
            let direct = fixture.folder.file("direct")
            let viaWharf = try await Skopeo.copy("docker://\(fixture.wharf.hostPort)/library/test:latest", "dir:\(through)", arguments: ["--src-tls-verify=false"])
            #expect(viaWharf.status == 0, "\(viaWharf.summary)\n\(fixture.wharf.log())")
            for blob in image.blobs {
                #expect(fixture.upstream.requestCount(method: "GET", pathContains: blob.digest) == 1, "one upstream fetch of \(blob.digest)")
            }
            let viaUpstream = try await Skopeo.copy("docker://\(fixture.upstream.hostAndPort)/library/test:latest", "dir:\(direct)", arguments: ["--src-tls-verify=false"])
            #expect(viaUpstream.status == 0, "\(viaUpstream.summary)")
            let throughFiles = try PullFixture.files(in: through)
            #expect(throughFiles == (try PullFixture.files(in: direct)))
            #expect(throughFiles["manifest.json"] == Data(image.manifest))
            for blob in image.blobs {
                #expect(throughFiles[blob.hex] == Data(blob.bytes), "blob \(blob.digest)")
            }
            #expect(Set(try fixture.storedBlobs()) == Set(image.blobs.map(\.hex)))
        }
    }

    @Test("a multi-arch index and every image it references pull through Wharf")
    func multiArchPull() async throws {
        let amd64 = try ImageFactory.image(layerSizes: [100_000], seed: 2, architecture: "amd64")
        let arm64 = try ImageFactory.image(layerSizes: [120_000], seed: 3, architecture: "arm64")
        let index = ImageFactory.index([amd64, arm64])
        try await PullFixture.with("multi", indexes: [("library/multi", "1.0", index)]) { fixture in
            let out = fixture.folder.file("all")
            let result = try await Skopeo.copy(
                "docker://\(fixture.wharf.hostPort)/library/multi:1.0",
                "dir:\(out)",
                arguments: ["--src-tls-verify=false", "--all"]
            )
            #expect(result.status == 0, "\(result.summary)\n\(fixture.wharf.log())")
            let files = try PullFixture.files(in: out)
            #expect(files["manifest.json"] == Data(index.manifest), "the index must come through byte for byte")
            for image in [amd64, arm64] {
                #expect(files["\(image.manifestDigest.dropFirst(7)).manifest.json"] == Data(image.manifest))
                for blob in image.blobs { #expect(files[blob.hex] == Data(blob.bytes)) }
            }
            let raw = try await Skopeo.inspectRaw("docker://\(fixture.wharf.hostPort)/library/multi:1.0", arguments: ["--tls-verify=false"])
            #expect(raw.stdout == String(decoding: index.manifest, as: UTF8.self))
        }
    }

    @Test("eight concurrent pulls of an uncached 64 MiB layer cause exactly one upstream fetch")
    func singleFlight() async throws {
        let image = try ImageFactory.image(layerSizes: [64 * 1024 * 1024], seed: 4)
        try await PullFixture.with("flight", images: [("library/big", "latest", image)]) { fixture in
            let results = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
                for client in 0..<8 {
                    group.addTask {
                        try await Skopeo.copy(
                            "docker://\(fixture.wharf.hostPort)/library/big:latest",
                            "dir:\(fixture.folder.file("out\(client)"))",
                            arguments: ["--src-tls-verify=false"]
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for result in results { #expect(result.status == 0, "\(result.summary)") }
            let layer = image.layers[0]
            #expect(fixture.upstream.requestCount(method: "GET", pathContains: layer.digest) == 1)
            for client in 0..<8 {
                let data = try Data(contentsOf: URL(fileURLWithPath: fixture.folder.file("out\(client)") + "/" + layer.hex))
                #expect(data.count == layer.size)
                #expect(TestBlob.digest(of: Array(data)) == layer.digest)
            }
        }
    }

    @Test("with the upstream stopped, cached digests and tags still pull; uncached ones fail clearly")
    func upstreamDown() async throws {
        let image = try ImageFactory.image(layerSizes: [200_000, 300_000], seed: 5)
        let other = try ImageFactory.image(layerSizes: [1000], seed: 6)
        // tagttl 0s: every tag request asks upstream, so the stale answer is what is tested.
        try await PullFixture.with("offline", images: [("library/test", "latest", image), ("library/other", "latest", other)], proxyYAML: "  tagttl: 0s") { fixture in
            let first = try await Skopeo.copy("docker://\(fixture.wharf.hostPort)/library/test:latest", "dir:\(fixture.folder.file("first"))", arguments: ["--src-tls-verify=false"])
            #expect(first.status == 0, "\(first.summary)")
            await fixture.upstream.stop()

            let byDigest = try await Skopeo.copy(
                "docker://\(fixture.wharf.hostPort)/library/test@\(image.manifestDigest)",
                "dir:\(fixture.folder.file("digest"))",
                arguments: ["--src-tls-verify=false"]
            )
            #expect(byDigest.status == 0, "\(byDigest.summary)\n\(fixture.wharf.log())")
            #expect(try PullFixture.files(in: fixture.folder.file("digest"))[image.layers[1].hex] == Data(image.layers[1].bytes))

            let byTag = try await Skopeo.copy("docker://\(fixture.wharf.hostPort)/library/test:latest", "dir:\(fixture.folder.file("tag"))", arguments: ["--src-tls-verify=false"])
            #expect(byTag.status == 0, "\(byTag.summary)")
            #expect(fixture.wharf.log().contains("serving cached tag while the upstream fails"))

            let uncached = try await Skopeo.copy("docker://\(fixture.wharf.hostPort)/library/other:latest", "dir:\(fixture.folder.file("other"))", arguments: ["--src-tls-verify=false", "--retry-times=0"])
            #expect(uncached.status != 0)
            #expect(uncached.stderr.contains("503") || uncached.stderr.lowercased().contains("unavailable"), "\(uncached.summary)")
        }
    }

    @Test("a restart keeps blobs and tags, and leftovers of interrupted downloads are removed")
    func restartKeepsCache() async throws {
        let image = try ImageFactory.image(layerSizes: [150_000], seed: 7)
        try await PullFixture.with("restart", images: [("library/test", "v1", image)]) { fixture in
            let first = try await Skopeo.copy("docker://\(fixture.wharf.hostPort)/library/test:v1", "dir:\(fixture.folder.file("a"))", arguments: ["--src-tls-verify=false"])
            #expect(first.status == 0, "\(first.summary)")
            let leftover = fixture.wharf.storagePath + "/tmp/interrupted-download"
            #expect(FileManager.default.createFile(atPath: leftover, contents: Data(repeating: 1, count: 1000)))
            await fixture.upstream.stop()
            let restarted = try await fixture.wharf.restarted()
            #expect(!FileManager.default.fileExists(atPath: leftover))
            let second = try await Skopeo.copy("docker://\(restarted.hostPort)/library/test@\(image.manifestDigest)", "dir:\(fixture.folder.file("b"))", arguments: ["--src-tls-verify=false"])
            #expect(second.status == 0, "\(second.summary)\n\(restarted.log())")
            // The tag record survived too: with the upstream gone, the tag still resolves.
            let byTag = try await Skopeo.copy("docker://\(restarted.hostPort)/library/test:v1", "dir:\(fixture.folder.file("c"))", arguments: ["--src-tls-verify=false"])
            #expect(byTag.status == 0, "\(byTag.summary)\n\(restarted.log())")
            await restarted.stop()
        }
    }
}

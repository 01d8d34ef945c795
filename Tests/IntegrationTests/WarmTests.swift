import Foundation
import Testing
import WharfTesting

@Suite("wharf warm pulls images through a running Wharf")
struct WarmTests {
    static func warm(_ arguments: [String]) async throws -> ProcessResult {
        try await Command.run(try WharfProcess.binaryPath(), ["warm"] + arguments, timeout: .seconds(120))
    }

    @Test("a warmed 3-layer image is pulled by skopeo with the upstream stopped; plain lines when not on a terminal")
    func warmThenPullWithoutUpstream() async throws {
        let image = try ImageFactory.image(layerSizes: [40_000, 25_000, 9000], seed: 195)
        try await PullFixture.with("warm", images: [("library/test", "latest", image)]) { fixture in
            let warmed = try await Self.warm(["--server", fixture.wharf.url, "library/test:latest"])
            #expect(warmed.status == 0, "\(warmed.summary)")
            #expect(warmed.stdout.contains("[4/4] blob "), "config and three layers: \(warmed.stdout)")
            #expect(warmed.stdout.contains("warmed library/test:latest: 1 manifests, 4 blobs"), "\(warmed.stdout)")
            #expect(!warmed.stdout.contains("\r") && !warmed.stdout.contains("\u{1B}"), "no progress bar outside a terminal")
            #expect(Set(try fixture.storedBlobs()) == Set(image.blobs.map(\.hex)), "every blob is in the store")

            await fixture.upstream.stop()
            let pulled = try await Skopeo.copy(
                "docker://\(fixture.wharf.hostPort)/library/test:latest", "dir:\(fixture.folder.file("pulled"))",
                arguments: ["--src-tls-verify=false", "--retry-times=0"]
            )
            #expect(pulled.status == 0, "the cache alone serves the pull: \(pulled.summary)")
            let files = try PullFixture.files(in: fixture.folder.file("pulled"))
            for layer in image.layers {
                #expect(files[layer.hex] == Data(layer.bytes), "layer \(layer.digest) arrived whole")
            }
            let again = try await Self.warm(["--server", fixture.wharf.url, "library/test@\(image.manifestDigest)"])
            #expect(again.status == 0, "a digest is warmed from the cache with the upstream down: \(again.summary)")
            #expect(again.stdout.contains("(5 already cached)"), "\(again.stdout)")
        }
    }

    @Test("--platform warms one platform of an index, --all-platforms every one; an unknown image fails naming the error")
    func platforms() async throws {
        let amd64 = try ImageFactory.image(layerSizes: [3000], seed: 196, architecture: "amd64")
        let arm64 = try ImageFactory.image(layerSizes: [3500], seed: 197, architecture: "arm64")
        let index = ImageFactory.index([amd64, arm64])
        try await PullFixture.with("warm-index", indexes: [("library/multi", "1", index)]) { fixture in
            let one = try await Self.warm(["--server", fixture.wharf.url, "--platform", "linux/arm64", "library/multi:1"])
            #expect(one.status == 0, "\(one.summary)")
            var stored = Set(try fixture.storedBlobs())
            #expect(stored.isSuperset(of: arm64.blobs.map(\.hex)))
            #expect(stored.isDisjoint(with: amd64.layers.map(\.hex)), "the other platform's layers stay upstream")

            let all = try await Self.warm(["--server", fixture.wharf.url, "--all-platforms", "library/multi:1"])
            #expect(all.status == 0, "\(all.summary)")
            stored = Set(try fixture.storedBlobs())
            #expect(stored.isSuperset(of: amd64.blobs.map(\.hex) + arm64.blobs.map(\.hex)))

            let missing = try await Self.warm(["--server", fixture.wharf.url, "--platform", "linux/s390x", "library/multi:1", "library/none:1"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("has no manifest for linux/s390x; it has linux/amd64, linux/arm64"), "\(missing.stderr)")
            #expect(missing.stderr.contains("library/none:1") && missing.stderr.contains("MANIFEST_UNKNOWN"), "\(missing.stderr)")
        }
    }
}

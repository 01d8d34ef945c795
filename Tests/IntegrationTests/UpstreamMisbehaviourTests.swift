import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("an upstream that lies about a blob: nothing cached, every client cut off")
struct UpstreamMisbehaviourTests {
    /// How a client is cut off when a lying download fails: the status and OCI code it gets when it
    /// arrives after the failure, and how many bytes at most it may have received before.
    private static func cutOff(_ mode: LyingUpstreamMode, size: Int) -> (status: Int, code: String, mostBytes: Int)? {
        switch mode {
        // Everything but the held-back last byte may have gone out before the digest was checked.
        case .wrongBytes: (502, "UPSTREAM_ERROR", size - 1)
        // Wharf cannot send more than the upstream sent before it hung up.
        case .truncated: (503, "UNAVAILABLE", size / 2)
        case .correct, .withoutLength, .trickle, .hang, .redirectToImpossiblePort, .stallAfter, .noAnswer, .closeFirstThenCorrect: nil
        }
    }

    @Test("wrong bytes under a digest, and a body cut short", arguments: [LyingUpstreamMode.wrongBytes, .truncated])
    func lyingUpstream(_ mode: LyingUpstreamMode) async throws {
        let image = try ImageFactory.image(layerSizes: [400_000], seed: 40)
        let folder = try TemporaryFolder(prefix: "wharf-liar")
        defer { folder.remove() }
        let liar = try await LyingUpstream.start(mode: mode)
        liar.serve(image, repository: "library/test", tag: "latest")
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: liar.url)

        let pulled = try await Skopeo.copy(
            "docker://\(wharf.hostPort)/library/test:latest",
            "dir:\(folder.file("out"))",
            arguments: ["--src-tls-verify=false", "--retry-times=0"]
        )
        #expect(pulled.status != 0, "skopeo must not accept a blob that fails verification")

        // Three clients at once on the same lying download: each gets the announced length and then
        // a connection that ends short, or, arriving after the failure, the failure's status.
        let layer = image.layers[0]
        let blobURL = wharf.url + "/v2/library/test/blobs/\(layer.digest)"
        let expected = try #require(Self.cutOff(mode, size: layer.size))
        let answers = try await withThrowingTaskGroup(of: StreamedAnswer.self) { group in
            for _ in 0..<3 {
                group.addTask { try await StreamedAnswer.get(blobURL) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for answer in answers {
            if answer.status == 200 {
                #expect(answer.announcedLength == layer.size)
                #expect(answer.endedShort, "the connection must end before the announced length, not cleanly: got \(answer.bytes.count) bytes, failure \(String(describing: answer.failure))")
                #expect(answer.bytes.count <= expected.mostBytes)
            } else {
                #expect(answer.status == expected.status, "\(answer.status) \(String(decoding: answer.bytes, as: UTF8.self))")
                #expect(answer.failure == nil)
                #expect(String(decoding: answer.bytes, as: UTF8.self).contains(#""code":"\#(expected.code)""#))
            }
        }

        let storedBlobs = wharf.storagePath + "/blobs/sha256"
        let stored = (try? FileManager.default.contentsOfDirectory(atPath: storedBlobs)) ?? []
        #expect(!stored.contains(layer.hex), "a blob that failed verification must not be stored")
        #expect((try FileManager.default.contentsOfDirectory(atPath: wharf.storagePath + "/tmp")).isEmpty)
        #expect(wharf.log().contains("failed verification") || wharf.log().contains("blob fetch failed"))
        #expect(wharf.isRunning)

        // Nothing of the lie was kept: the next request goes upstream again and gets the real blob.
        let fetchesBefore = liar.requestCount(method: "GET", pathContains: "/blobs/\(layer.digest)")
        liar.mode = .correct
        let honest = try await StreamedAnswer.get(blobURL)
        #expect(honest.status == 200)
        #expect(honest.failure == nil)
        #expect(honest.bytes == layer.bytes)
        #expect(liar.requestCount(method: "GET", pathContains: "/blobs/\(layer.digest)") == fetchesBefore + 1)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: storedBlobs)) ?? []).contains(layer.hex), "the honest blob is stored where the lie was looked for")
        await wharf.stop()
        await liar.stop()
    }

    @Test("a blob sent without Content-Length (chunked) reaches every client whole, verified, and is stored")
    func withoutContentLength() async throws {
        let image = try ImageFactory.image(layerSizes: [700_000], seed: 41)
        let folder = try TemporaryFolder(prefix: "wharf-chunked")
        defer { folder.remove() }
        let upstream = try await LyingUpstream.start(mode: .withoutLength)
        upstream.serve(image, repository: "library/test", tag: "latest")
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: upstream.url)
        let layer = image.layers[0]
        let blobURL = wharf.url + "/v2/library/test/blobs/\(layer.digest)"

        // Three clients on the cold download, then one answered from the store.
        let cold = try await withThrowingTaskGroup(of: StreamedAnswer.self) { group in
            for _ in 0..<3 { group.addTask { try await StreamedAnswer.get(blobURL) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for answer in cold {
            #expect(answer.status == 200)
            #expect(answer.failure == nil, "\(String(describing: answer.failure))")
            #expect(answer.bytes.count == layer.size, "a cold answer of unknown length must still carry the whole blob")
            #expect(answer.bytes == layer.bytes)
        }
        let warm = try await StreamedAnswer.get(blobURL)
        #expect(warm.status == 200)
        #expect(warm.announcedLength == layer.size, "the stored blob's size is known")
        #expect(warm.bytes == layer.bytes)
        #expect(upstream.requestCount(method: "GET", pathContains: "/blobs/\(layer.digest)") == 1, "one upstream fetch for the three cold clients")

        let pulled = try await Skopeo.copy(
            "docker://\(wharf.hostPort)/library/test:latest", "dir:\(folder.file("out"))",
            arguments: ["--src-tls-verify=false", "--retry-times=0"]
        )
        #expect(pulled.succeeded, "\(pulled.stderr)")
        await wharf.stop()
        await upstream.stop()
    }

    @Test("a redirect to a port no socket can have is a 503 with a reason, and Wharf keeps serving")
    func redirectToImpossiblePort() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 42)
        let folder = try TemporaryFolder(prefix: "wharf-liar-port")
        defer { folder.remove() }
        let liar = try await LyingUpstream.start(mode: .redirectToImpossiblePort)
        liar.serve(image, repository: "library/test", tag: "latest")
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: liar.url)
        let answer = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/test/blobs/\(image.layers[0].digest)")
        #expect(answer.status >= 500 && answer.status < 600, "\(answer.status) \(answer.body)")
        #expect(wharf.log().contains("port 99999 is outside 1-65535"), "\(wharf.log().suffix(2000))")
        #expect(wharf.isRunning)
        liar.mode = .correct
        let again = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/test/blobs/\(image.layers[0].digest)")
        #expect(again.status == 200)
        await wharf.stop()
        await liar.stop()
    }

    @Test("a manifest whose bytes do not match its digest is refused and not stored")
    func lyingManifest() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 41)
        let folder = try TemporaryFolder(prefix: "wharf-liar-manifest")
        defer { folder.remove() }
        let liar = try await LyingUpstream.start(mode: .correct)
        let forged = Array(String(decoding: image.manifest, as: UTF8.self).replacingOccurrences(of: "amd64", with: "arm64").utf8)
        liar.serve(
            repository: "library/test",
            manifests: [image.manifestDigest: (mediaType: image.mediaType, bytes: forged + Array(" ".utf8))],
            blobs: [:]
        )
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: liar.url)
        let answer = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/test/manifests/\(image.manifestDigest)")
        #expect(answer.status == 502)
        #expect(answer.errorCode == "UPSTREAM_ERROR")
        let stored = (try? FileManager.default.contentsOfDirectory(atPath: wharf.storagePath + "/manifests/sha256")) ?? []
        #expect(stored.isEmpty)
        await wharf.stop()
        await liar.stop()
    }
}

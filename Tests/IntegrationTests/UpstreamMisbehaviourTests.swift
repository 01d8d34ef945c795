import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("an upstream that lies about a blob: nothing cached, every client cut off")
struct UpstreamMisbehaviourTests {
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

        // Three clients at once on the same lying download: none receives a complete body.
        let layer = image.layers[0]
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    guard let answer = try? await HTTPProbe.send(.GET, wharf.url + "/v2/library/test/blobs/\(layer.digest)") else { return true }
                    return answer.status != 200 || answer.bytes.count < layer.size
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes == [true, true, true], "every client must be cut off or refused")

        let stored = (try? FileManager.default.contentsOfDirectory(atPath: wharf.storagePath + "/blobs/sha256")) ?? []
        #expect(!stored.contains(layer.hex), "a blob that failed verification must not be stored")
        #expect((try FileManager.default.contentsOfDirectory(atPath: wharf.storagePath + "/tmp")).isEmpty)
        #expect(wharf.log().contains("failed verification") || wharf.log().contains("blob fetch failed"))
        #expect(wharf.isRunning)
        await wharf.stop()
        await liar.stop()
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

import Foundation
import Testing
import WharfTesting

@Suite("upstream timeouts: a stalled upstream ends the download, a lost first attempt is retried")
struct UpstreamTimeoutTests {
    static func blob(seed: UInt64, size: Int) -> TestBlob {
        var random = SeededRandom(seed: seed)
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { random.fill($0) }
        return TestBlob(bytes: bytes, mediaType: "application/octet-stream")
    }

    /// Runs `body` with a stand-in upstream serving `layer` in `mode` and Wharf in front of it,
    /// stopping both afterwards whatever happens.
    static func with(
        _ name: String,
        mode: LyingUpstreamMode,
        serving layer: TestBlob,
        proxyYAML: String = "",
        _ body: (WharfProcess, LyingUpstream) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder(prefix: "wharf-\(name)")
        defer { folder.remove() }
        let upstream = try await LyingUpstream.start(mode: mode)
        upstream.serve(repository: "library/test", manifests: [:], blobs: [layer.digest: layer.bytes])
        let wharf: WharfProcess
        do {
            wharf = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, proxyYAML: proxyYAML)
        } catch {
            await upstream.stop()
            throw error
        }
        do {
            try await body(wharf, upstream)
        }
    }

    @Test("an upstream that stalls after 1 MiB ends the download within the idle timeout: followers cut, nothing stored")
    func stallMidBlob() async throws {
        let layer = Self.blob(seed: 180, size: 4 * 1024 * 1024)
        try await Self.with("stall", mode: .stallAfter(bytes: 1024 * 1024), serving: layer, proxyYAML: "  timeouts:\n    idle: 2s\n") { wharf, upstream in
            let blobURL = wharf.url + "/v2/library/test/blobs/\(layer.digest)"
            let started = ContinuousClock.now
            let answers = try await withThrowingTaskGroup(of: StreamedAnswer.self) { group in
                for _ in 0..<3 { group.addTask { try await StreamedAnswer.get(blobURL) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let waited = ContinuousClock.now - started
            for answer in answers {
                if answer.status == 200 {
                    #expect(answer.endedShort, "a follower must be cut off, not end cleanly: \(answer.bytes.count) bytes, \(String(describing: answer.failure))")
                    #expect(answer.bytes.count <= 1024 * 1024)
                } else {
                    #expect(answer.status >= 500, "\(answer.status) \(String(decoding: answer.bytes, as: UTF8.self))")
                }
            }
            // Far below the 30 s default and the 60 s the clients would wait: the 2 s idle timeout ended it.
            #expect(waited < .seconds(25), "the stalled download took \(waited)")
            let stored = (try? FileManager.default.contentsOfDirectory(atPath: wharf.storagePath + "/blobs/sha256")) ?? []
            #expect(!stored.contains(layer.hex), "a blob cut short must not be stored")
            #expect(wharf.isRunning)

            upstream.mode = .correct
            let honest = try await StreamedAnswer.get(blobURL)
            #expect(honest.status == 200 && honest.failure == nil && honest.bytes == layer.bytes)
        }
    }

    @Test("a blob GET whose connection closes before any byte is sent once more, and the client never notices")
    func retryBeforeFirstByte() async throws {
        let layer = Self.blob(seed: 181, size: 300_000)
        try await Self.with("retry", mode: .closeFirstThenCorrect, serving: layer) { wharf, upstream in
            let answer = try await StreamedAnswer.get(wharf.url + "/v2/library/test/blobs/\(layer.digest)")
            #expect(answer.status == 200 && answer.failure == nil && answer.bytes == layer.bytes, "\(answer.status), \(answer.bytes.count) bytes")
            #expect(upstream.requestCount(method: "GET", pathContains: "/blobs/\(layer.digest)") == 2, "\(upstream.requests())")
            #expect(wharf.log().contains("trying once more"))
        }
    }

    @Test("an upstream that never answers a blob GET fails it after the response timeout (twice: the retry), though the idle timeout is long")
    func responseTimeout() async throws {
        let layer = Self.blob(seed: 182, size: 100_000)
        try await Self.with("silent", mode: .noAnswer, serving: layer, proxyYAML: "  timeouts:\n    response: 2s\n    idle: 5m\n") { wharf, upstream in
            let started = ContinuousClock.now
            let answer = try await StreamedAnswer.get(wharf.url + "/v2/library/test/blobs/\(layer.digest)")
            let waited = ContinuousClock.now - started
            #expect(answer.status >= 500, "\(answer.status) \(String(decoding: answer.bytes, as: UTF8.self))")
            #expect(waited < .seconds(30), "the unanswered GET took \(waited); the idle timeout is 5 minutes")
            #expect(upstream.requestCount(method: "GET", pathContains: "/blobs/\(layer.digest)") == 2, "\(upstream.requests())")
        }
    }
}

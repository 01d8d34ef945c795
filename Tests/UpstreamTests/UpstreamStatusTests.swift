import Foundation
import Registry
import Testing
import Upstream
import WharfTesting

@Suite("upstream answers map to error kinds")
struct UpstreamStatusTests {
    @Test("each failing status maps to its kind, with Retry-After where it matters", arguments: [
        (404, UpstreamError.Kind.notFound, nil as Int?),
        (403, .unauthorized, nil),
        (429, .tooManyRequests, 17),
        (500, .unavailable, 17),
        (502, .unavailable, 17),
        (503, .unavailable, 17),
        (400, .badResponse, nil),
        (204, .badResponse, nil),
    ])
    func statusMapping(_ status: Int, _ kind: UpstreamError.Kind, _ retryAfter: Int?) async throws {
        let upstream = try await RecordingServer.start { _ in
            StubHTTPServer.Response(status: status, headers: [("Retry-After", "17")])
        }
        let name = try RepositoryName("library/test")
        let digest = try Digest(parsing: TestBlob.digest(of: []))
        let error = try await upstreamFailure(at: upstream.url) { client async throws(UpstreamError) in
            try await client.blob(name, digest)
        }
        #expect(error?.kind == kind)
        #expect(error?.retryAfter == retryAfter)
        #expect(upstream.requests.count == 1, "a failing status is not retried")
        await upstream.stop()
    }

    @Test("a 429 whose Retry-After is an HTTP date waits until that date")
    func retryAfterDate() async throws {
        let date = Date().addingTimeInterval(300)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let upstream = try await RecordingServer.start { _ in
            StubHTTPServer.Response(status: 429, headers: [("Retry-After", formatter.string(from: date))])
        }
        let name = try RepositoryName("library/test")
        let digest = try Digest(parsing: TestBlob.digest(of: []))
        let error = try await upstreamFailure(at: upstream.url) { client async throws(UpstreamError) in
            try await client.blob(name, digest)
        }
        #expect(error?.kind == .tooManyRequests)
        let seconds = try #require(error?.retryAfter)
        #expect((290...300).contains(seconds), "Retry-After \(formatter.string(from: date)) read as \(seconds) s")
        await upstream.stop()
    }

    @Test("the health record counts 5xx as a failure and other answers as answers", arguments: [(503, true), (404, false), (429, false)])
    func health(_ status: Int, _ failing: Bool) async throws {
        let upstream = try await RecordingServer.start { _ in StubHTTPServer.Response(status: status) }
        let name = try RepositoryName("library/test")
        var health: UpstreamHealth?
        _ = try await upstreamFailure(at: upstream.url) { client async throws(UpstreamError) in
            health = client.health
            return try await client.tagList(name, query: nil)
        }
        #expect(health?.record.isUnknown == false)
        #expect(health?.record.isFailing == failing)
        await upstream.stop()
    }

    @Test("an upstream that refuses the connection is unavailable and recorded as failing")
    func refused() async throws {
        let stopped = try await RecordingServer.start { _ in StubHTTPServer.Response(status: 200) }
        await stopped.stop()
        let name = try RepositoryName("library/test")
        var health: UpstreamHealth?
        let error = try await upstreamFailure(at: stopped.url) { client async throws(UpstreamError) in
            health = client.health
            return try await client.tagList(name, query: nil)
        }
        #expect(error?.kind == .unavailable)
        #expect(health?.record.isFailing == true)
    }
}

import AsyncHTTPClient
import NIOCore
import Registry
import Testing
import Upstream
import WharfTesting

/// A blob behind a token-protected upstream, fetched through redirects.
@Suite("redirects: Authorization stays on the upstream's origin")
struct UpstreamRedirectTests {
    static let content = Array("layer bytes".utf8)
    static let digest = TestBlob.digest(of: content)
    static let blobPath = "/v2/library/test/blobs/\(digest)"
    static let token = "t0k3n"

    /// Where the redirect sends the blob request. The client treats any other scheme, host name
    /// or port as a foreign origin, even when it is the same socket.
    enum Elsewhere: String, CaseIterable, Sendable {
        /// Another server on 127.0.0.1.
        case otherPort
        /// The upstream's own server, named `localhost` instead of `127.0.0.1`.
        case otherHostName
    }

    /// An upstream that wants `Bearer t0k3n` for the blob and then answers `redirect(request)`.
    private static func protectedUpstream(
        tokens: RecordingServer,
        redirect: @escaping @Sendable (StubHTTPServer.Request) -> StubHTTPServer.Response
    ) async throws -> RecordingServer {
        let realm = tokens.url + "/token"
        return try await RecordingServer.start { request in
            guard request.path == Self.blobPath else { return redirect(request) }
            guard request.header("Authorization") == "Bearer \(Self.token)" else {
                return .bearerChallenge(realm: realm, service: "registry.test", scope: "repository:library/test:pull")
            }
            return redirect(request)
        }
    }

    private static func tokenService() async throws -> RecordingServer {
        try await RecordingServer.start { _ in
            StubHTTPServer.Response(status: 200, headers: [("Content-Type", "application/json")], body: #"{"token":"\#(Self.token)","expires_in":300}"#)
        }
    }

    /// The blob's body, once it has been read to its end.
    private static func fetchBlob(_ client: UpstreamClient) async throws -> [UInt8] {
        let blob = try await client.blob(try RepositoryName("library/test"), try Digest(parsing: digest))
        let bytes = Array(try await blob.body.collect(upTo: 1 << 20).readableBytesView)
        #expect(blob.contentLength == Int64(bytes.count))
        return bytes
    }

    private static func blobFailure(from upstream: RecordingServer) async throws -> UpstreamError? {
        let name = try RepositoryName("library/test")
        let digest = try Digest(parsing: Self.digest)
        return try await upstreamFailure(at: upstream.url) { client async throws(UpstreamError) in try await client.blob(name, digest) }
    }

    @Test("a redirect to another origin gets no Authorization, though the upstream got the token", arguments: Elsewhere.allCases)
    func foreignOrigin(_ elsewhere: Elsewhere) async throws {
        let tokens = try await Self.tokenService()
        let cdn = try await RecordingServer.start { _ in StubHTTPServer.Response(status: 200, body: String(decoding: Self.content, as: UTF8.self)) }
        let upstream = try await Self.protectedUpstream(tokens: tokens) { request in
            if request.path == "/cdn/blob" { return StubHTTPServer.Response(status: 200, body: String(decoding: Self.content, as: UTF8.self)) }
            let location = switch elsewhere {
            case .otherPort: cdn.url + "/cdn/blob?signature=abc"
            case .otherHostName: "http://localhost:\(request.header("Host")?.split(separator: ":").last ?? "")/cdn/blob?signature=abc"
            }
            return .redirect(to: location)
        }
        let body = try await withUpstreamClient(upstream.url) { try await Self.fetchBlob($0) }
        #expect(body == Self.content)

        let foreign = elsewhere == .otherPort ? cdn.requests : upstream.requests.filter { $0.path == "/cdn/blob" }
        #expect(foreign.count == 1, "the redirect was followed once")
        #expect(foreign.allSatisfy { $0.header("Authorization") == nil }, "\(foreign.map(\.headers))")
        #expect(foreign.first?.uri == "/cdn/blob?signature=abc", "the query (a CDN signature) is kept")
        let upstreamBlobRequests = upstream.requests.filter { $0.path == Self.blobPath }
        #expect(upstreamBlobRequests.map { $0.header("Authorization") } == [nil, "Bearer \(Self.token)"])
        await upstream.stop()
        await cdn.stop()
        await tokens.stop()
    }

    @Test("a redirect on the upstream's origin, absolute or relative, keeps Authorization", arguments: [true, false])
    func sameOrigin(_ absolute: Bool) async throws {
        let tokens = try await Self.tokenService()
        let upstream = try await Self.protectedUpstream(tokens: tokens) { request in
            if request.path == "/storage/blob" {
                guard request.header("Authorization") == "Bearer \(Self.token)" else { return StubHTTPServer.Response(status: 403) }
                return StubHTTPServer.Response(status: 200, body: String(decoding: Self.content, as: UTF8.self))
            }
            let host = request.header("Host") ?? ""
            return .redirect(to: absolute ? "http://\(host)/storage/blob" : "/storage/blob")
        }
        let body = try await withUpstreamClient(upstream.url) { try await Self.fetchBlob($0) }
        #expect(body == Self.content)
        let paths = upstream.requests.map(\.path)
        #expect(paths == [Self.blobPath, Self.blobPath, "/storage/blob"])
        #expect(upstream.requests.last?.header("Authorization") == "Bearer \(Self.token)")
        #expect(tokens.requests.count == 1)
        await upstream.stop()
        await tokens.stop()
    }

    /// An upstream where the blob redirects through `/hop/1`, `/hop/2`, ... and `/hop/<redirects>` answers.
    private static func chain(of redirects: Int) async throws -> RecordingServer {
        try await RecordingServer.start { request in
            let hop = request.path == Self.blobPath ? 0 : Int(request.path.dropFirst("/hop/".count)) ?? -1
            if hop == redirects { return StubHTTPServer.Response(status: 200, body: "end of the chain") }
            return .redirect(302, to: "/hop/\(hop + 1)")
        }
    }

    @Test("five redirects are followed")
    func fiveRedirects() async throws {
        let upstream = try await Self.chain(of: 5)
        let body = try await withUpstreamClient(upstream.url) { try await Self.fetchBlob($0) }
        #expect(String(decoding: body, as: UTF8.self) == "end of the chain")
        #expect(upstream.requests.map(\.path) == [Self.blobPath] + (1...5).map { "/hop/\($0)" })
        await upstream.stop()
    }

    @Test("a sixth redirect ends the request with an error naming the limit")
    func sixRedirects() async throws {
        let upstream = try await Self.chain(of: 6)
        let error = try await Self.blobFailure(from: upstream)
        #expect(error?.kind == .badResponse)
        #expect(error?.message == "more than 5 redirects for library/test/blobs/\(Self.digest)")
        #expect(upstream.requests.count == 6, "the sixth Location is not followed")
        await upstream.stop()
    }

    @Test("a redirect to itself ends after the limit instead of looping")
    func redirectLoop() async throws {
        let upstream = try await RecordingServer.start { _ in .redirect(308, to: Self.blobPath) }
        let error = try await Self.blobFailure(from: upstream)
        #expect(error?.kind == .badResponse)
        #expect(error?.message.contains("more than 5 redirects") == true, "\(String(describing: error))")
        #expect(upstream.requests.count == 6)
        await upstream.stop()
    }

    @Test("a redirect without a Location is a bad response")
    func redirectWithoutLocation() async throws {
        let upstream = try await RecordingServer.start { _ in StubHTTPServer.Response(status: 302) }
        let error = try await Self.blobFailure(from: upstream)
        #expect(error?.kind == .badResponse)
        #expect(error?.message == "redirect 302 without a usable Location")
        await upstream.stop()
    }
}

import Foundation
import Registry
import Testing
import Upstream
import WharfTesting

@Suite("authentication: the Bearer token dance and Basic credentials")
struct UpstreamTokenTests {
    static let manifest = #"{"schemaVersion":2}"#
    static let accept = "application/vnd.oci.image.manifest.v1+json"

    /// An upstream whose manifests answer only `Bearer <token>`, sending others to `realm`.
    private static func bearerUpstream(realm: String, token: String = "t0k3n") async throws -> RecordingServer {
        try await RecordingServer.start { request in
            let repository = request.path.dropFirst("/v2/".count).components(separatedBy: "/manifests/").first ?? ""
            guard request.header("Authorization") == "Bearer \(token)" else {
                return .bearerChallenge(realm: realm, service: "registry.test", scope: "repository:\(repository):pull")
            }
            return StubHTTPServer.Response(status: 200, headers: [("Content-Type", Self.accept)], body: Self.manifest)
        }
    }

    private static func tokenService(status: Int = 200, body: String = #"{"token":"t0k3n","expires_in":300}"#) async throws -> RecordingServer {
        try await RecordingServer.start { _ in
            StubHTTPServer.Response(status: status, headers: [("Content-Type", "application/json")], body: body)
        }
    }

    private static func fetch(_ client: UpstreamClient, _ repository: String) async throws -> UpstreamManifest {
        try await client.manifest(try RepositoryName(repository), try Reference(parsing: "latest"), accept: accept, headOnly: false)
    }

    private static func manifestFailure(from upstream: RecordingServer) async throws -> UpstreamError? {
        let name = try RepositoryName("library/test")
        let reference = try Reference(parsing: "latest")
        return try await upstreamFailure(at: upstream.url) { client async throws(UpstreamError) in
            try await client.manifest(name, reference, accept: accept, headOnly: false)
        }
    }

    private static func query(_ request: StubHTTPServer.Request) -> [String: String] {
        let items = URLComponents(string: request.uri)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }) { first, _ in first }
    }

    @Test("a 401 Bearer challenge leads to one token request; the retry and later requests carry the token")
    func tokenDance() async throws {
        let tokens = try await Self.tokenService()
        let upstream = try await Self.bearerUpstream(realm: tokens.url + "/token?client=wharf-test")
        try await withUpstreamClient(upstream.url) { client in
            let first = try await Self.fetch(client, "library/test")
            #expect(String(decoding: first.bytes, as: UTF8.self) == Self.manifest)
            _ = try await Self.fetch(client, "library/test")
        }
        #expect(tokens.requests.count == 1, "the token is reused for the second request")
        let tokenRequest = try #require(tokens.requests.first)
        #expect(tokenRequest.method == "GET")
        #expect(tokenRequest.path == "/token")
        #expect(Self.query(tokenRequest) == ["client": "wharf-test", "service": "registry.test", "scope": "repository:library/test:pull"])
        #expect(tokenRequest.header("Authorization") == nil, "no credentials are configured")
        #expect(upstream.requests.map { $0.header("Authorization") } == [nil, "Bearer t0k3n", "Bearer t0k3n"])
        await upstream.stop()
        await tokens.stop()
    }

    @Test("another repository is another scope and gets its own token")
    func tokenPerScope() async throws {
        let tokens = try await Self.tokenService()
        let upstream = try await Self.bearerUpstream(realm: tokens.url + "/token")
        try await withUpstreamClient(upstream.url) { client in
            _ = try await Self.fetch(client, "library/test")
            _ = try await Self.fetch(client, "library/other")
        }
        #expect(tokens.requests.map { Self.query($0)["scope"] } == ["repository:library/test:pull", "repository:library/other:pull"])
        await upstream.stop()
        await tokens.stop()
    }

    @Test("Basic credentials configured for the upstream go to a token service on the same site")
    func credentialsToTokenService() async throws {
        let tokens = try await Self.tokenService()
        let upstream = try await Self.bearerUpstream(realm: tokens.url + "/token")
        try await withUpstreamClient(upstream.url, username: "robot", password: "pa55") { client in
            _ = try await Self.fetch(client, "library/test")
        }
        let expected = "Basic " + Data("robot:pa55".utf8).base64EncodedString()
        #expect(tokens.requests.map { $0.header("Authorization") } == [expected])
        #expect(upstream.requests.allSatisfy { $0.header("Authorization") != expected }, "the upstream gets the token, not the password")
        await upstream.stop()
        await tokens.stop()
    }

    @Test("a token realm on another site gets no credentials, and its token is still used")
    func noCredentialsToOtherSite() async throws {
        let tokens = try await Self.tokenService()
        // The upstream is 127.0.0.1; `localhost` is another registrable domain.
        let upstream = try await Self.bearerUpstream(realm: "http://localhost:\(tokens.port)/token")
        try await withUpstreamClient(upstream.url, username: "robot", password: "pa55") { client in
            _ = try await Self.fetch(client, "library/test")
        }
        #expect(tokens.requests.count == 1)
        #expect(tokens.requests.first?.header("Authorization") == nil)
        #expect(upstream.requests.last?.header("Authorization") == "Bearer t0k3n")
        await upstream.stop()
        await tokens.stop()
    }

    @Test("a Basic challenge is answered with the configured credentials, which are then sent up front")
    func basicChallenge() async throws {
        let expected = "Basic " + Data("robot:pa55".utf8).base64EncodedString()
        let upstream = try await RecordingServer.start { request in
            guard request.header("Authorization") == expected else {
                return StubHTTPServer.Response(status: 401, headers: [("WWW-Authenticate", #"Basic realm="registry""#)])
            }
            return StubHTTPServer.Response(status: 200, headers: [("Content-Type", Self.accept)], body: Self.manifest)
        }
        try await withUpstreamClient(upstream.url, username: "robot", password: "pa55") { client in
            _ = try await Self.fetch(client, "library/test")
            _ = try await Self.fetch(client, "library/other")
        }
        #expect(upstream.requests.map { $0.header("Authorization") } == [nil, expected, expected])
        await upstream.stop()
    }

    @Test("a 401 after the token was sent is not answered again: one token request, then UNAUTHORIZED")
    func refusedToken() async throws {
        let tokens = try await Self.tokenService()
        let upstream = try await Self.bearerUpstream(realm: tokens.url + "/token", token: "another-token")
        let error = try await Self.manifestFailure(from: upstream)
        #expect(error?.kind == .unauthorized)
        #expect(tokens.requests.count == 1)
        #expect(upstream.requests.count == 2)
        await upstream.stop()
        await tokens.stop()
    }

    @Test("a 401 without a challenge Wharf can answer asks for credentials")
    func unanswerableChallenge() async throws {
        let upstream = try await RecordingServer.start { _ in StubHTTPServer.Response(status: 401) }
        let error = try await Self.manifestFailure(from: upstream)
        #expect(error?.kind == .unauthorized)
        #expect(error?.message == "the upstream requires credentials; set proxy.username and proxy.password")
        #expect(upstream.requests.count == 1)
        await upstream.stop()
    }

    @Test("a failing token service maps to the matching error kind", arguments: [
        (401, #"{"details":"no"}"#, UpstreamError.Kind.unauthorized),
        (403, #"{"details":"no"}"#, .unauthorized),
        (429, "", .tooManyRequests),
        (503, "", .unavailable),
        (200, #"{"token":""}"#, .badResponse),
        (200, "not json", .badResponse),
    ])
    func tokenServiceFailure(_ status: Int, _ body: String, _ kind: UpstreamError.Kind) async throws {
        let tokens = try await Self.tokenService(status: status, body: body)
        let upstream = try await Self.bearerUpstream(realm: tokens.url + "/token")
        let error = try await Self.manifestFailure(from: upstream)
        #expect(error?.kind == kind, "\(String(describing: error))")
        #expect(upstream.requests.count == 1, "nothing is retried without a token")
        await upstream.stop()
        await tokens.stop()
    }
}

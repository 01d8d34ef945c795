import AsyncHTTPClient
import Logging
import Synchronization
import Testing
import Upstream
import WharfTesting

/// A ``StubHTTPServer`` that keeps every request it answered, for asserting what the client sent.
final class RecordingServer: Sendable {
    private let server: StubHTTPServer
    private let received: ReceivedRequests

    /// `http://127.0.0.1:<port>`.
    var url: String { server.url }
    var port: Int { server.port }

    private init(server: StubHTTPServer, received: ReceivedRequests) {
        self.server = server
        self.received = received
    }

    /// Starts a server whose answers come from `respond`; it runs on an event loop and must not block.
    static func start(_ respond: @escaping @Sendable (StubHTTPServer.Request) -> StubHTTPServer.Response) async throws -> RecordingServer {
        let received = ReceivedRequests()
        let server = try await StubHTTPServer.start { request in
            received.append(request)
            return respond(request)
        }
        return RecordingServer(server: server, received: received)
    }

    /// Every request so far, oldest first.
    var requests: [StubHTTPServer.Request] { received.all }

    func stop() async {
        await server.stop()
    }
}

private final class ReceivedRequests: Sendable {
    private let requests = Mutex<[StubHTTPServer.Request]>([])

    func append(_ request: StubHTTPServer.Request) {
        requests.withLock { $0.append(request) }
    }

    var all: [StubHTTPServer.Request] { requests.withLock { $0 } }
}

extension StubHTTPServer.Request {
    /// The first value of header `name`, compared case-insensitively.
    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The request target without its query.
    var path: String {
        String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

extension StubHTTPServer.Response {
    /// A 401 asking for a Bearer token from `realm`.
    static func bearerChallenge(realm: String, service: String, scope: String) -> Self {
        Self(status: 401, headers: [("WWW-Authenticate", #"Bearer realm="\#(realm)",service="\#(service)",scope="\#(scope)""#)])
    }

    /// A redirect to `location`.
    static func redirect(_ status: Int = 307, to location: String) -> Self {
        Self(status: status, headers: [("Location", location)])
    }
}

/// Runs `body` with an ``UpstreamClient`` for `remoteURL` on its own HTTP client, shut down afterwards.
func withUpstreamClient<T>(
    _ remoteURL: String,
    username: String? = nil,
    password: String? = nil,
    _ body: (UpstreamClient) async throws -> T
) async throws -> T {
    let configuration = try UpstreamConfiguration(remoteURL: remoteURL, username: username, password: password)
    let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: UpstreamClient.makeHTTPClientConfiguration())
    let client = UpstreamClient(configuration: configuration, http: http, logger: Logger(label: "upstream-tests"))
    do {
        let result = try await body(client)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// The error `operation` fails with on a client for `remoteURL`; records an issue and returns nil when it succeeds.
func upstreamFailure<T>(
    at remoteURL: String,
    username: String? = nil,
    password: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: (UpstreamClient) async throws(UpstreamError) -> T
) async throws -> UpstreamError? {
    try await withUpstreamClient(remoteURL, username: username, password: password) { client -> UpstreamError? in
        do throws(UpstreamError) {
            _ = try await operation(client)
            Issue.record("expected an UpstreamError, got a result", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

import NIOHTTP1

/// A plain-HTTP server on 127.0.0.1 whose every answer comes from a closure: a stand-in for a
/// misbehaving or rate-limiting service (an ACME CA answering 503 or `rateLimited`).
public final class StubHTTPServer: Sendable {
    /// What the stub received.
    public struct Request: Sendable {
        /// `GET`, `HEAD`, `POST`, ...
        public let method: String
        /// The request target, e.g. `/dir`.
        public let uri: String
        /// The request headers.
        public let headers: [(String, String)]
        /// The request body.
        public let body: [UInt8]
    }

    /// What the stub answers.
    public struct Response: Sendable {
        /// The status code.
        public var status: Int
        /// The response headers (Content-Length is added).
        public var headers: [(String, String)]
        /// The body (not sent for HEAD).
        public var body: [UInt8]

        /// A response with a UTF-8 body.
        public init(status: Int, headers: [(String, String)] = [], body: String = "") {
            self.status = status
            self.headers = headers
            self.body = Array(body.utf8)
        }
    }

    /// The port it listens on.
    public let port: Int
    private let server: LocalHTTPServer

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    private init(server: LocalHTTPServer) {
        self.port = server.port
        self.server = server
    }

    /// Starts listening on a kernel-picked port.
    ///
    /// - Parameter respond: the answer to each request; called on an event loop, so it must not block.
    public static func start(respond: @escaping @Sendable (Request) -> Response) async throws -> StubHTTPServer {
        let server = try await LocalHTTPServer.start { received, writer in
            let request = Request(
                method: received.head.method.rawValue,
                uri: received.head.uri,
                headers: received.head.headers.map { ($0.name, $0.value) },
                body: received.body
            )
            let response = respond(request)
            writer.respond(
                HTTPResponseStatus(statusCode: response.status),
                headers: HTTPHeaders(response.headers),
                body: response.body
            )
        }
        return StubHTTPServer(server: server)
    }

    /// Stops listening and closes open connections.
    public func stop() async {
        await server.stop()
    }
}

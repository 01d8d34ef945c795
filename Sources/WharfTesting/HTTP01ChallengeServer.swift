import NIOHTTP1
import Synchronization

/// A small HTTP server on 127.0.0.1 answering `GET /.well-known/acme-challenge/<token>` with
/// what `lookup` returns for the token (404 otherwise): the HTTP-01 listener an ACME CA's
/// validator dials in tests. Start it first, then give its ``port`` to Pebble as `httpPort`.
public final class HTTP01ChallengeServer: Sendable {
    /// The path prefix validators ask under.
    public static let pathPrefix = "/.well-known/acme-challenge/"

    /// The port it listens on.
    public let port: Int
    private let server: LocalHTTPServer
    private let served: RequestedTokens

    private init(server: LocalHTTPServer, served: RequestedTokens) {
        self.port = server.port
        self.server = server
        self.served = served
    }

    /// Starts listening on a kernel-picked port.
    ///
    /// - Parameter lookup: the key authorization for a token, or nil; called on an event loop, so it must not block.
    public static func start(lookup: @escaping @Sendable (String) -> String?) async throws -> HTTP01ChallengeServer {
        let log = RequestedTokens()
        let server = try await LocalHTTPServer.start { request, writer in
            guard request.head.method == .GET, request.path.hasPrefix(pathPrefix) else {
                writer.respond(.notFound)
                return
            }
            let token = String(request.path.dropFirst(pathPrefix.count))
            log.tokens.withLock { $0.append(token) }
            guard let answer = lookup(token) else {
                writer.respond(.notFound)
                return
            }
            writer.respond(.ok, headers: ["Content-Type": "text/plain"], body: Array(answer.utf8))
        }
        return HTTP01ChallengeServer(server: server, served: log)
    }

    /// How many challenge requests arrived (answered or not).
    public var requestCount: Int {
        served.tokens.withLock { $0.count }
    }

    /// Stops listening; validators then get "connection refused".
    public func stop() async {
        await server.stop()
    }
}

/// The tokens validators asked for, shared with the responder closure.
private final class RequestedTokens: Sendable {
    let tokens = Mutex<[String]>([])
}

import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// An HTTP server on 127.0.0.1 in front of a registry (a ``DockerRegistryPeer``) that rate-limits
/// as Docker Hub does: every answer carries `ratelimit-limit: L;w=21600` and
/// `ratelimit-remaining: R;w=21600`, each manifest GET spends one pull (a HEAD spends none),
/// and a manifest request with no pull left, or while ``limit(retryAfter:)`` is in force, is
/// answered 429 `TOOMANYREQUESTS` with `Retry-After` instead of being forwarded.
///
/// ```swift
/// let front = try await RateLimitFront.start(upstream: registry.url, limit: 100, remaining: 50)
/// // proxy.remoteurl: front.url
/// front.setRemaining(3)
/// front.limit(retryAfter: 120)
/// ```
public final class RateLimitFront: Sendable {
    /// The Docker Hub window, in seconds.
    public static let window = 21600

    /// The port it listens on.
    public let port: Int
    private let server: LocalHTTPServer
    private let core: RateLimitCore

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// `METHOD path` of every request forwarded to the registry, in order.
    public var forwarded: [String] { core.state.withLock { $0.forwarded } }

    /// How many requests were answered 429.
    public var refused: Int { core.state.withLock { $0.refused } }

    /// Pulls left.
    public var remaining: Int { core.state.withLock { $0.remaining } }

    private init(server: LocalHTTPServer, core: RateLimitCore) {
        self.port = server.port
        self.server = server
        self.core = core
    }

    /// Starts the front for the registry at `upstream` (`http://127.0.0.1:PORT`).
    public static func start(upstream: String, limit: Int, remaining: Int) async throws -> RateLimitFront {
        let core = RateLimitCore(upstream: upstream, limit: limit, remaining: remaining)
        let server = try await LocalHTTPServer.start { request, writer in
            core.answer(request, writer)
        }
        return RateLimitFront(server: server, core: core)
    }

    /// Sets the pulls left.
    public func setRemaining(_ remaining: Int) {
        core.state.withLock { $0.remaining = remaining }
    }

    /// Answers every manifest request 429 with this `Retry-After` until ``resume()``.
    public func limit(retryAfter: Int) {
        core.state.withLock { $0.retryAfter = retryAfter }
    }

    /// Forwards again (pulls permitting).
    public func resume() {
        core.state.withLock { $0.retryAfter = nil }
    }

    /// Stops listening.
    public func stop() async {
        await server.stop()
    }
}

/// The front's state and its answer to each request, shared with the server's responder.
private final class RateLimitCore: Sendable {
    struct State {
        var limit: Int
        var remaining: Int
        var retryAfter: Int?
        var forwarded: [String] = []
        var refused = 0
    }

    let state: Mutex<State>
    let upstream: String

    init(upstream: String, limit: Int, remaining: Int) {
        self.upstream = upstream
        self.state = Mutex(State(limit: limit, remaining: remaining))
    }

    private enum Decision {
        case forward(limit: Int, remaining: Int)
        case refuse(limit: Int, retryAfter: Int)
    }

    func answer(_ request: ReceivedHTTPRequest, _ writer: HTTPResponseWriter) {
        let isManifest = request.path.contains("/manifests/")
        let decision = state.withLock { state -> Decision in
            if isManifest, let retryAfter = state.retryAfter {
                state.refused += 1
                return .refuse(limit: state.limit, retryAfter: retryAfter)
            }
            if isManifest, request.head.method == .GET {
                guard state.remaining > 0 else {
                    state.refused += 1
                    return .refuse(limit: state.limit, retryAfter: 60)
                }
                state.remaining -= 1
            }
            state.forwarded.append("\(request.head.method.rawValue) \(request.path)")
            return .forward(limit: state.limit, remaining: state.remaining)
        }
        switch decision {
        case .refuse(let limit, let retryAfter):
            var headers = Self.budgetHeaders(limit: limit, remaining: 0)
            headers.add(name: "Retry-After", value: String(retryAfter))
            headers.add(name: "Content-Type", value: "application/json")
            let body = #"{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}"#
            writer.respond(.tooManyRequests, headers: headers, body: Array(body.utf8))
        case .forward(let limit, let remaining):
            forward(request, writer, budget: Self.budgetHeaders(limit: limit, remaining: remaining))
        }
    }

    private func forward(_ request: ReceivedHTTPRequest, _ writer: HTTPResponseWriter, budget: HTTPHeaders) {
        let eventLoop = writer.eventLoop
        let bound = NIOLoopBound(writer, eventLoop: eventLoop)
        let outgoing: HTTPClient.Request
        do {
            var headers = request.head.headers
            for hopByHop in ["Host", "Connection", "Content-Length", "Transfer-Encoding"] { headers.remove(name: hopByHop) }
            outgoing = try HTTPClient.Request(url: upstream + request.head.uri, method: request.head.method, headers: headers)
        } catch {
            writer.respond(.badGateway, body: Array("bad request target: \(error)".utf8))
            return
        }
        HTTPClient.shared.execute(request: outgoing, eventLoop: .delegate(on: eventLoop)).hop(to: eventLoop).whenComplete { result in
            let writer = bound.value
            switch result {
            case .success(let response):
                var headers = response.headers
                for hopByHop in ["Connection", "Transfer-Encoding", "Keep-Alive"] { headers.remove(name: hopByHop) }
                for (name, value) in budget { headers.replaceOrAdd(name: name, value: value) }
                let body = response.body.map { Array($0.readableBytesView) } ?? []
                if request.head.method == .HEAD {
                    writer.writeHead(response.status, headers: headers)
                    writer.end()
                } else {
                    writer.respond(response.status, headers: headers, body: body)
                }
            case .failure(let error):
                writer.respond(.badGateway, body: Array("the registry behind the front failed: \(error)".utf8))
            }
        }
    }

    private static func budgetHeaders(limit: Int, remaining: Int) -> HTTPHeaders {
        HTTPHeaders([("ratelimit-limit", "\(limit);w=\(RateLimitFront.window)"), ("ratelimit-remaining", "\(remaining);w=\(RateLimitFront.window)")])
    }
}

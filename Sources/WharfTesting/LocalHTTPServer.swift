import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A request received by a ``LocalHTTPServer``.
struct ReceivedHTTPRequest: Sendable {
    var head: HTTPRequestHead
    var body: [UInt8]

    /// The request target's path, without the query.
    var path: String {
        String(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

/// Answers one request; called on the connection's event loop, so it must not block.
typealias HTTPResponder = @Sendable (ReceivedHTTPRequest, HTTPResponseWriter) -> Void

/// A minimal HTTP/1.1 server on 127.0.0.1 (kernel-picked port) whose responder writes
/// responses by hand, which lets test peers misbehave (truncate, stall) on purpose.
final class LocalHTTPServer: Sendable {
    let port: Int
    private let serverChannel: any Channel
    private let connections: OpenConnections

    private init(port: Int, serverChannel: any Channel, connections: OpenConnections) {
        self.port = port
        self.serverChannel = serverChannel
        self.connections = connections
    }

    /// Starts listening; with `tls`, every connection is HTTPS.
    static func start(tls: NIOSSLContext? = nil, responder: @escaping HTTPResponder) async throws -> LocalHTTPServer {
        let connections = OpenConnections()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                connections.insert(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(HTTPRequestCollector(responder: responder))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw TestSupportError("the test HTTP server has no local port")
        }
        return LocalHTTPServer(port: port, serverChannel: channel, connections: connections)
    }

    deinit {
        serverChannel.close(promise: nil)
        for connection in connections.all() {
            connection.close(promise: nil)
        }
    }

    /// Stops listening and closes every open connection (including stalled ones).
    func stop() async {
        try? await serverChannel.close()
        for connection in connections.all() {
            try? await connection.close()
        }
    }
}

/// The server's accepted connections that are still open.
private final class OpenConnections: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func insert(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = channels.withLock { $0.removeValue(forKey: key) }
        }
    }

    func all() -> [any Channel] {
        channels.withLock { Array($0.values) }
    }
}

/// Gathers a request's head and body, then hands them to the responder.
private final class HTTPRequestCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: HTTPResponder
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(responder: @escaping HTTPResponder) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let chunk):
            body += chunk.readableBytesView
        case .end:
            guard let head else { return }
            self.head = nil
            responder(ReceivedHTTPRequest(head: head, body: body), HTTPResponseWriter(context: context, request: head))
        }
    }
}

/// Writes the response to one request; use it only inside the responder call, on the event loop.
struct HTTPResponseWriter {
    fileprivate let context: ChannelHandlerContext
    fileprivate let request: HTTPRequestHead

    /// The connection's event loop, where a response started later must be written.
    var eventLoop: any EventLoop { context.eventLoop }

    /// Whether the connection is still open.
    var isActive: Bool { context.channel.isActive }

    /// Sends the status line and headers (and flushes them).
    func writeHead(_ status: HTTPResponseStatus, headers: HTTPHeaders) {
        let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
    }

    /// Sends part of the body (and flushes it).
    func writeBody(_ bytes: some Sequence<UInt8>) {
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
    }

    /// Ends the response; closes the connection if the client did not ask to keep it.
    func end() {
        let keepAlive = request.isKeepAlive
        let channel = context.channel
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
            if !keepAlive {
                channel.close(promise: nil)
            }
        }
    }

    /// Sends part of the body, then closes the connection once it is written (a truncated response).
    func writeBodyThenClose(_ bytes: some Sequence<UInt8>) {
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        let channel = context.channel
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer)))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// Closes the connection at once, whatever was sent.
    func close() {
        context.close(promise: nil)
    }

    /// Sends a whole response with a Content-Length (and no body bytes for HEAD requests).
    func respond(_ status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        writeHead(status, headers: headers)
        if request.method != .HEAD, !body.isEmpty {
            writeBody(body)
        }
        end()
    }
}

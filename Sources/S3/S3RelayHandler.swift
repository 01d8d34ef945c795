import NIOCore
import NIOHTTP1

/// One GET at a time on a bucket connection of ``S3RelayConnections``: checks the status and
/// the byte count, and hands each piece of a good answer to the relay's writer, reading the
/// socket again only once the writer's last future has completed.
final class S3RelayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// The GET under way.
    struct Active {
        let expected: Int64
        let operation: String
        let write: @Sendable (ByteBuffer) -> EventLoopFuture<Void>
        let promise: EventLoopPromise<Void>
        /// Called once the GET ended: whether the connection may carry another.
        let ended: (_ reusable: Bool) -> Void
        var status: HTTPResponseStatus?
        var keepAlive = false
        var received: Int64 = 0
        var errorBody: [UInt8] = []
    }

    /// How long the bucket may leave a GET without a byte while it is being read.
    let readTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var active: Active?
    /// Pieces handed to the writer whose futures have not completed yet.
    private var unfinishedWrites = 0
    private var writePending: Bool { unfinishedWrites > 0 }
    private var readPending = false
    /// The answer's end has come (its last piece may still be being written).
    private var endReceived = false
    /// The connection is closed or closing: no further GET on it.
    private var ended = false
    private var silence: Scheduled<Void>?

    init(readTimeout: TimeAmount) {
        self.readTimeout = readTimeout
    }

    /// Whether an answer has begun: a GET that failed before may be retried on another connection.
    private(set) var answered = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Sends `head` and relays its answer; the handler must be idle.
    func start(_ head: HTTPRequestHead, _ request: Active) {
        guard let context, context.channel.isActive, active == nil, !ended else {
            request.promise.fail(S3Error.unreachable(operation: request.operation, ChannelError.ioOnClosedChannel))
            request.ended(false)
            return
        }
        active = request
        answered = false
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        watchForSilence(context: context)
        context.read()
    }

    /// Stops the GET under way (its client left): the connection is closed, not reused.
    func cancel() {
        guard let context else { return }
        finish(.failure(CancellationError()), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        silence?.cancel()
        guard var request = active else { return }
        answered = true
        switch unwrapInboundIn(data) {
        case .head(let head):
            request.status = head.status
            request.keepAlive = head.isKeepAlive
            active = request
        case .body(let piece):
            guard let status = request.status, status.code < 300 else {
                let room = S3Client.errorBodyLimit - request.errorBody.count
                active?.errorBody += piece.readableBytesView.prefix(max(0, room))
                return
            }
            request.received += Int64(piece.readableBytes)
            active = request
            guard request.received <= request.expected else {
                finish(.failure(S3Error.malformed(operation: request.operation, status: Int(status.code), "the bucket sent more than the range asked for")), context: context)
                return
            }
            unfinishedWrites += 1
            request.write(piece).hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
                self.unfinishedWrites -= 1
                switch result {
                case .failure(let error): self.finish(.failure(error), context: context)
                case .success:
                    guard self.active != nil, !self.writePending else { return }
                    if self.endReceived {
                        self.completeIfEnded(context: context)
                    } else if self.readPending {
                        self.readPending = false
                        self.read(context: context)
                    }
                }
            }
        case .end:
            endReceived = true
            completeIfEnded(context: context)
        }
    }

    /// Once the answer's end came and the last piece was written: the result.
    private func completeIfEnded(context: ChannelHandlerContext) {
        guard endReceived, !writePending, let request = active else { return }
        guard let status = request.status, status.code < 300 else {
            let status = request.status ?? .badGateway
            finish(.failure(S3Client.error(status: status, body: request.errorBody, method: .GET, operation: request.operation)), context: context, reusable: request.keepAlive)
            return
        }
        guard request.received == request.expected else {
            finish(.failure(S3Error.malformed(operation: request.operation, status: Int(status.code), "the bucket sent \(request.received) of \(request.expected) bytes")), context: context)
            return
        }
        finish(.success(()), context: context, reusable: request.keepAlive)
    }

    func read(context: ChannelHandlerContext) {
        guard !writePending else {
            readPending = true
            return
        }
        if active != nil { watchForSilence(context: context) }
        context.read()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let request = active {
            finish(.failure(S3Error.unreachable(operation: request.operation, S3RelayClosed(received: request.received, expected: request.expected))), context: context)
        }
        ended = true
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let request = active {
            finish(.failure(S3Error.unreachable(operation: request.operation, error)), context: context)
        }
        context.close(promise: nil)
    }

    private func watchForSilence(context: ChannelHandlerContext) {
        silence?.cancel()
        silence = context.eventLoop.assumeIsolated().scheduleTask(in: readTimeout) {
            guard let request = self.active, !self.writePending else { return }
            self.finish(.failure(S3Error.unreachable(operation: request.operation, S3RelaySilent(seconds: self.readTimeout.nanoseconds / 1_000_000_000))), context: context)
        }
    }

    /// Ends the GET under way with `result`; the connection is closed unless `reusable`.
    private func finish(_ result: Result<Void, any Error>, context: ChannelHandlerContext, reusable: Bool = false) {
        guard let request = active else { return }
        active = nil
        endReceived = false
        readPending = false
        silence?.cancel()
        silence = nil
        let reuse = reusable && !ended && !writePending
        if !reuse {
            ended = true
            context.close(promise: nil)
        }
        request.ended(reuse)
        request.promise.completeWith(result)
    }
}

/// The bucket closed a relay's connection before the answer's end.
struct S3RelayClosed: Error, CustomStringConvertible {
    let received: Int64
    let expected: Int64
    var description: String { "the connection closed after \(received) of \(expected) bytes" }
}

/// The bucket sent nothing for a while during a relay.
struct S3RelaySilent: Error, CustomStringConvertible {
    let seconds: Int64
    var description: String { "no byte from the bucket in \(seconds) s" }
}

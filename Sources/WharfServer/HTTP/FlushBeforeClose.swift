import ACME
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// Holds a connection's close until the bytes already written have reached the kernel.
///
/// NIO's `close` drops writes still queued in the channel (a slow client's socket buffer is
/// full), and Hummingbird closes each connection right after its last response when the
/// server drains for shutdown — so without this, a download running at SIGTERM lost its last
/// kilobytes. Writes complete in order, so an empty write queued behind them completes when
/// they have all gone out; the close follows it, or `limit` later at most.
final class FlushBeforeCloseHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limit: TimeAmount
    private var closing = false

    init(limit: TimeAmount) {
        self.limit = limit
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !closing, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        closing = true
        let flushed = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: flushed)
        let deadline = context.eventLoop.scheduleTask(in: limit) { flushed.fail(ChannelError.outputClosed) }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        flushed.futureResult.whenComplete { _ in
            deadline.cancel()
            loopBound.value.close(mode: mode, promise: promise)
        }
    }
}

/// A child channel whose pipeline starts with a ``FlushBeforeCloseHandler`` nearest the socket
/// and, on plaintext HTTP/1.1, a ``SendfileHandler``.
struct FlushBeforeCloseChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let limit: TimeAmount
    var sendsFiles = false

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FlushBeforeCloseHandler(limit: limit), position: .first)
            if sendsFiles { try channel.pipeline.syncOperations.addHandler(SendfileHandler(), position: .first) }
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// How long a closing connection may take to hand its last bytes to the kernel.
    static let flushLimit: TimeAmount = .seconds(30)

    /// HTTP/1.1 in clear, stored blobs sent with sendfile, connections closed only after their last bytes went out.
    static func flushedHTTP1() -> HTTPServerBuilder {
        .init { responder in
            FlushBeforeCloseChannel(base: HTTP1Channel(responder: responder), limit: flushLimit, sendsFiles: true)
        }
    }

    /// HTTP/1.1 over TLS, connections closed only after their last bytes went out; TLS-ALPN-01
    /// validation handshakes answered from `challenges`.
    static func flushedTLS(_ tlsConfiguration: TLSConfiguration, challenges: TLSALPN01ChallengeTable) throws -> HTTPServerBuilder {
        .init { responder in
            let tls = try TLSChannel(HTTP1Channel(responder: responder), tlsConfiguration: tlsConfiguration)
            return FlushBeforeCloseChannel(base: TLSALPNChannel(base: tls, challenges: challenges), limit: flushLimit)
        }
    }

    /// HTTP/2 by ALPN (HTTP/1.1 otherwise) over TLS, connections closed only after their last bytes
    /// went out; TLS-ALPN-01 validation handshakes answered from `challenges`.
    static func flushedHTTP2Upgrade(_ tlsConfiguration: TLSConfiguration, challenges: TLSALPN01ChallengeTable) throws -> HTTPServerBuilder {
        .init { responder in
            let tls = try HTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, responder: responder)
            return FlushBeforeCloseChannel(base: TLSALPNChannel(base: tls, challenges: challenges), limit: flushLimit)
        }
    }
}

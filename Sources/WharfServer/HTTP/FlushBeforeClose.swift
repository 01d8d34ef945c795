import ACME
import Certificates
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

/// A child channel whose pipeline starts, nearest the socket, with a ``ConnectionGuardHandler``,
/// then on plaintext HTTP/1.1 a ``DirectBodyHandler``, then a ``FlushBeforeCloseHandler``.
struct FlushBeforeCloseChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let limit: TimeAmount
    let admission: ConnectionAdmission
    let limits: WharfConfiguration.ListenerLimits
    var sendsFiles = false

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FlushBeforeCloseHandler(limit: limit), position: .first)
            if sendsFiles { try channel.pipeline.syncOperations.addHandler(DirectBodyHandler(eventLoop: channel.eventLoop, logger: logger), position: .first) }
            try channel.pipeline.syncOperations.addHandler(ConnectionGuardHandler(admission: admission, limits: limits), position: .first)
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

    /// HTTP/1.1 in clear, connections guarded by `limits` and closed only after their last bytes
    /// went out; with `sendsFiles`, stored blobs are sent by the pipeline (sendfile, bucket relay).
    static func flushedHTTP1(limits: WharfConfiguration.ListenerLimits, sendsFiles: Bool = true) -> HTTPServerBuilder {
        guarded(limits, sendsFiles: sendsFiles) { responder in HTTP1Channel(responder: responder, configuration: .guarded(limits)) }
    }

    /// HTTP/1.1 over TLS, connections guarded by `limits` and closed only after their last bytes
    /// went out; with `challenges`, TLS-ALPN-01 validation handshakes answered from them, then `shared`.
    static func flushedTLS(
        _ tlsConfiguration: TLSConfiguration, limits: WharfConfiguration.ListenerLimits, challenges: TLSALPN01ChallengeTable?, shared: SharedChallenges?
    ) -> HTTPServerBuilder {
        let tls: @Sendable (@escaping HTTPChannelHandler.Responder) throws -> TLSChannel<HTTP1Channel> = { responder in
            try TLSChannel(HTTP1Channel(responder: responder, configuration: .guarded(limits)), tlsConfiguration: tlsConfiguration)
        }
        guard let challenges else { return guarded(limits, tls) }
        return guarded(limits) { responder in TLSALPNChannel(base: try tls(responder), challenges: challenges, shared: shared) }
    }

    /// HTTP/2 by ALPN (HTTP/1.1 otherwise) over TLS, connections guarded by `limits` and closed
    /// only after their last bytes went out; TLS-ALPN-01 validation handshakes answered from
    /// `challenges`, then `shared`. HTTP/2's concurrent streams, header list size and stream
    /// reset rate are `limits`' (``LimitedHTTP2UpgradeChannel``); beyond them the connection
    /// gets GOAWAY and is closed.
    static func flushedHTTP2Upgrade(
        _ tlsConfiguration: TLSConfiguration, limits: WharfConfiguration.ListenerLimits, challenges: TLSALPN01ChallengeTable?, shared: SharedChallenges?
    ) -> HTTPServerBuilder {
        let tls: @Sendable (@escaping HTTPChannelHandler.Responder) throws -> LimitedHTTP2UpgradeChannel = { responder in
            try LimitedHTTP2UpgradeChannel(tlsConfiguration: tlsConfiguration, limits: limits, responder: responder)
        }
        guard let challenges else { return guarded(limits, tls) }
        return guarded(limits) { responder in TLSALPNChannel(base: try tls(responder), challenges: challenges, shared: shared) }
    }

    /// `base`'s connections with a ``ConnectionGuardHandler`` (all sharing one admission) and a ``FlushBeforeCloseHandler``.
    private static func guarded<Base: ServerChildChannel>(
        _ limits: WharfConfiguration.ListenerLimits,
        sendsFiles: Bool = false,
        _ base: @escaping @Sendable (@escaping HTTPChannelHandler.Responder) throws -> Base
    ) -> HTTPServerBuilder {
        let admission = ConnectionAdmission(limits)
        return .init { responder in
            FlushBeforeCloseChannel(base: try base(responder), limit: flushLimit, admission: admission, limits: limits, sendsFiles: sendsFiles)
        }
    }
}

extension HTTP1Channel.Configuration {
    /// Requests report their progress to the connection's guard; headers are bounded by `limits`,
    /// and a request beyond them is answered 431.
    static func guarded(_ limits: WharfConfiguration.ListenerLimits) -> Self {
        .init(
            additionalChannelHandlers: [HeaderLimitResponder(limits: limits), RequestProgressHandler()],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: limits.maxHeaderBytes,
                maxHeaderListSize: limits.maxHeaderBytes,
                maxHeaderFieldCount: limits.maxHeaderCount
            )
        )
    }
}

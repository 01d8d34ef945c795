import Certificates
import NIOCore

/// Holds a TLS connection's first bytes until its ClientHello is read, hands the ClientHello
/// (or `nil` when the bytes are not one this parser reads) to `route`, which installs the rest of
/// the pipeline, then passes every held byte on and removes itself.
///
/// Buffering is bounded by ``ClientHello/maximumBufferedBytes``; a connection that sends no whole
/// ClientHello within `limit` is closed.
final class ClientHelloRouter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Installs the handlers after this one for the ClientHello read; runs on the event loop.
    typealias Route = (any Channel, ClientHello?) -> EventLoopFuture<Void>

    private enum State {
        case reading
        case routing
        case done
    }

    private let route: Route
    private let limit: TimeAmount
    private var state = State.reading
    private var held: ByteBuffer?
    private var deadline: Scheduled<Void>?

    init(limit: TimeAmount, route: @escaping Route) {
        self.limit = limit
        self.route = route
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: limit) { loopBound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .done else {
            context.fireChannelRead(data)
            return
        }
        var bytes = unwrapInboundIn(data)
        if held == nil { held = bytes } else { held!.writeBuffer(&bytes) }
        guard state == .reading, let held else { return }
        let hello: ClientHello?
        switch ClientHello.parse(held.readableBytesView) {
        case .incomplete: return
        case .hello(let parsed): hello = parsed
        case .notClientHello: hello = nil
        }
        state = .routing
        deadline?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        route(context.channel, hello).whenComplete { result in
            let (router, context) = loopBound.value
            switch result {
            case .success: router.passOn(context: context)
            case .failure(let error):
                context.fireErrorCaught(error)
                context.close(promise: nil)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if state == .done { context.fireChannelReadComplete() }
    }

    private func passOn(context: ChannelHandlerContext) {
        state = .done
        if let held {
            self.held = nil
            context.fireChannelRead(wrapInboundOut(held))
            context.fireChannelReadComplete()
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Tells the connection's ``ConnectionGuardHandler`` when a request's headers have been read
/// and when its answer has been written to the end.
///
/// It sits after the HTTP decoding, where requests are parts; on HTTP/2 it is in each stream's
/// pipeline, so it tells the connection, the stream channel's parent.
final class RequestProgressHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var requestOpen = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            requestOpen = true
            tell(.started, context: context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if isEnd, requestOpen {
            requestOpen = false
            tell(.ended, context: context)
        }
    }

    /// An HTTP/2 stream closed before its answer ended still ends its request.
    func channelInactive(context: ChannelHandlerContext) {
        if requestOpen, Self.connection(of: context.channel) != nil {
            requestOpen = false
            tell(.ended, context: context)
        }
        context.fireChannelInactive()
    }

    /// The HTTP/2 connection `channel` is a stream of, or nil for an HTTP/1.1 connection: a
    /// connection's parent is the listening socket, which has no parent; a stream's parent is
    /// a connection.
    private static func connection(of channel: any Channel) -> (any Channel)? {
        guard let parent = channel.parent, parent.parent != nil else { return nil }
        return parent
    }

    private func tell(_ progress: RequestProgress, context: ChannelHandlerContext) {
        if let connection = Self.connection(of: context.channel) {
            connection.triggerUserOutboundEvent(progress, promise: nil)
        } else {
            context.triggerUserOutboundEvent(progress, promise: nil)
        }
    }
}

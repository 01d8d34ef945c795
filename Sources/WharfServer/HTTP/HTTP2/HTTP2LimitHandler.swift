import NIOCore
import NIOHTTP2

/// Ends an HTTP/2 connection on the error that swift-nio-http2 reports after its GOAWAY, and
/// counts, in ``WharfMetric/connectionsCut``, those that went beyond one of our limits.
///
/// It sits right after the `NIOHTTP2Handler`, which sends the GOAWAY (ENHANCE_YOUR_CALM for a
/// flood, PROTOCOL_ERROR for too many streams or too large a header block) and then fires the
/// error down the pipeline; closing here is what Hummingbird's own connection manager does.
final class HTTP2LimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        Self.cut(for: error)?.count()
        context.close(promise: nil)
    }

    /// Which of our limits `error` says the client went beyond, if any.
    static func cut(for error: any Error) -> ConnectionGuardHandler.Cut? {
        switch error {
        case is NIOHTTP2Errors.ExcessiveRSTFrames: .rapidReset
        case is NIOHTTP2Errors.MaxStreamsViolation: .http2Streams
        case is NIOHTTP2Errors.ExcessivelyLargeHeaderBlock: .http2HeaderList
        case is NIOHTTP2Errors.ExcessiveNumberOfGlitches, is NIOHTTP2Errors.ExcessiveControlFrames, is NIOHTTP2Errors.ExcessiveEmptyDataFrames,
            is NIOHTTP2Errors.ExcessiveContinuationFrames, is NIOHTTP2Errors.ExcessiveStreamErrors, is NIOHTTP2Errors.ExcessiveOutboundFrameBuffering:
            .http2Flood
        case is NIOHTTP2Errors.UnableToParseFrame: .http2Malformed
        default: nil
        }
    }
}

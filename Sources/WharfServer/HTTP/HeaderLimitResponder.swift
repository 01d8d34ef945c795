import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Registry

/// Answers an HTTP/1.1 request whose header fields go beyond `http.limits.headerbytes` or
/// `headercount` with 431 (Request Header Fields Too Large) and closes the connection.
///
/// NIO's decoder stops at the limit and reports `headerOverflow`, which Hummingbird would
/// answer with a bare 400; the client deserves to know which limit it met. The decoder cannot
/// go on after it, so the connection ends with the answer. Counted as the `headerlimit` cut.
final class HeaderLimitResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    private let limits: WharfConfiguration.ListenerLimits
    private var answered = false

    init(limits: WharfConfiguration.ListenerLimits) {
        self.limits = limits
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, case .headerOverflow = parserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        ConnectionGuardHandler.Cut.headerLimit.count()
        let message = "the request's header fields are beyond \(limits.maxHeaderBytes) bytes (http.limits.headerbytes) or \(limits.maxHeaderCount) fields (http.limits.headercount)"
        let body = ByteBuffer(string: RegistryError(.headersTooLarge, message).jsonBody)
        var headers = RegistryHeaders.json
        headers[.contentLength] = String(body.readableBytes)
        headers[.connection] = "close"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .init(code: RegistryError.Code.headersTooLarge.status), headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}

import NIOCore
import NIOSSL
import NIOTLS

/// The application side of the test TLS server.
///
/// In ``Mode/greetAndClose`` it writes ``greeting`` once the TLS handshake has completed and
/// closes (so `openssl s_client -ign_eof` ends on its own); in ``Mode/echo`` it sends back
/// whatever it reads and stays open.
final class TestResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Mode: Sendable {
        case greetAndClose
        case echo
    }

    static let greeting = "wharf-test-greeting"

    private let mode: Mode

    init(mode: Mode) {
        self.mode = mode
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent, mode == .greetAndClose {
            let buffer = context.channel.allocator.buffer(string: Self.greeting + "\n")
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard mode == .echo else { return }
        context.writeAndFlush(data, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

import ACME
import Certificates
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// A TLS child channel that answers TLS-ALPN-01 validation handshakes (RFC 8737) on the same port.
///
/// swift-nio-ssl picks the certificate before ALPN is negotiated, and its per-handshake callback
/// sees only the server name, so the ClientHello is read first (``ClientHelloRouter``). A hello
/// offering only `acme-tls/1` for a name with a pending challenge in `challenges` gets the
/// validation certificate (or, when another instance sharing the ACME state ordered, one made
/// from the challenge it published in `shared`) and the connection closes after the handshake; every other connection
/// gets `base` (the ordinary TLS pipeline) untouched.
struct TLSALPNChannel<Base: ServerChildChannel>: ServerChildChannel {
    /// What became of one connection.
    enum Route: Sendable {
        case served(Base.Value)
        case validation
    }

    struct Value: ServerChildChannelValue {
        let channel: any Channel
        let route: EventLoopFuture<Route>
        /// Set once the ClientHello is read; before that a shutdown closes the connection.
        let helloRead: HelloRead
    }

    /// Whether a connection's ClientHello was read.
    final class HelloRead: Sendable {
        private let state = Atomic(false)
        var isSet: Bool { state.load(ordering: .acquiring) }
        func set() { state.store(true, ordering: .releasing) }
    }

    let base: Base
    let challenges: TLSALPN01ChallengeTable
    /// The challenges other instances sharing the ACME state published, looked up when `challenges` has none.
    let shared: SharedChallenges?
    /// How long a client may take to send its ClientHello.
    var helloLimit: TimeAmount = .seconds(30)

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let decided = channel.eventLoop.makePromise(of: Route.self)
        channel.closeFuture.whenComplete { _ in decided.fail(ChannelError.ioOnClosedChannel) }
        let helloRead = HelloRead()
        let router = ClientHelloRouter(limit: helloLimit) { [base, challenges, shared] channel, hello in
            helloRead.set()
            let serve: @Sendable (NIOSSLContext?) -> EventLoopFuture<Void> = { context in
                if let context {
                    logger.info("answering a TLS-ALPN-01 validation handshake", metadata: ["servername": "\(hello?.serverName ?? "-")"])
                    decided.succeed(.validation)
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                        try channel.pipeline.syncOperations.addHandler(CloseAfterHandshakeHandler())
                    }
                }
                let served = base.setup(channel: channel, logger: logger)
                served.map(Route.served).cascade(to: decided)
                return served.map { _ in }
            }
            guard let name = Self.validationServerName(in: hello) else { return serve(nil) }
            if let context = challenges.context(forServerName: name) { return serve(context) }
            guard let shared else { return serve(nil) }
            // Another instance may have ordered: its published challenge is read off the event loop.
            return channel.eventLoop.makeFutureWithTask { await shared.validationContext(forServerName: name) }.flatMap(serve)
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(router)
            return Value(channel: channel, route: decided.futureResult, helloRead: helloRead)
        }
    }

    func handle(value: Value, logger: Logger) async {
        // A connection still silent at shutdown is closed, not waited for until the hello limit.
        let route = await withGracefulShutdownHandler {
            try? await value.route.get()
        } onGracefulShutdown: {
            if !value.helloRead.isSet { value.channel.close(promise: nil) }
        }
        guard case .served(let served) = route else {
            try? await value.channel.closeFuture.get()
            return
        }
        await base.handle(value: served, logger: logger)
    }

    /// The server name of `hello` when it is a validation handshake: it offers only `acme-tls/1`.
    static func validationServerName(in hello: ClientHello?) -> String? {
        guard let hello, hello.applicationProtocols == [TLSALPN01ChallengeTable.applicationProtocol] else { return nil }
        return hello.serverName
    }
}

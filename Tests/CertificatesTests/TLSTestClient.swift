import NIOCore
import NIOPosix
import NIOSSL

/// A TLS client (swift-nio-ssl) that keeps one connection open, to show that a certificate swap
/// does not disturb a connection already established.
final class TLSTestClient {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any Channel
    ) {
        self.inbound = inbound
        self.outbound = outbound
        self.channel = channel
    }

    /// Connects to 127.0.0.1:`port`, runs `body` with the connection, then closes it.
    static func withConnection(port: Int, _ body: (TLSTestClient) async throws -> Void) async throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        // The test looks at which certificate was presented, not whether it is trusted.
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        let asyncChannel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: "localhost")
                    )
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await asyncChannel.executeThenClose { inbound, outbound in
            let client = TLSTestClient(
                inbound: inbound.makeAsyncIterator(),
                outbound: outbound,
                channel: asyncChannel.channel
            )
            try await body(client)
        }
    }

    /// Sends `text` and a newline; returns the line the echo server sent back.
    func exchange(_ text: String) async throws -> String {
        try await outbound.write(ByteBuffer(string: text + "\n"))
        var received = ""
        while !received.hasSuffix("\n"), let buffer = try await inbound.next() {
            received += String(buffer: buffer)
        }
        return String(received.dropLast())
    }

    /// The leaf certificate the server presented on this connection.
    func peerCertificate() async throws -> NIOSSLCertificate? {
        let channel = channel
        return try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate
        }.get()
    }
}

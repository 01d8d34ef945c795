import DNS
import NIOCore
import NIOPosix
import Testing

/// A UDP server on 127.0.0.1 that answers every request as PowerDNS answers an UPDATE whose
/// TSIG it cannot verify: REFUSED, with the request's ID, opcode and zone, and no TSIG record.
/// A stand-in because no PowerDNS runs here, and BIND answers such a request with a TSIG error
/// as RFC 8945 §5.2 asks.
final class UnsignedRefusalStandIn: Sendable {
    typealias Envelope = AddressedEnvelope<ByteBuffer>

    let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    static func start() async throws -> UnsignedRefusalStandIn {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Refuser()) }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(channel.localAddress?.port)
        return UnsignedRefusalStandIn(port: port, channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Refuser: ChannelInboundHandler {
        typealias InboundIn = Envelope
        typealias OutboundOut = Envelope

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard let request = try? DNSMessage(decoding: Array(envelope.data.readableBytesView)) else { return }
            // QR set, the request's opcode, RCODE REFUSED.
            let flags = 0x8000 | (request.header.flags & 0x7800) | DNSResponseCode.refused.rawValue
            let answer = DNSMessage(header: DNSHeader(id: request.header.id, flags: flags), questions: request.questions)
            guard let bytes = try? answer.encoded() else { return }
            context.writeAndFlush(wrapOutboundOut(Envelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: bytes))), promise: nil)
        }
    }
}

@Suite("an unsigned REFUSED to a signed update")
struct UnsignedRefusalTests {
    @Test("says that the key name, algorithm or secret is wrong, not that the zone's policy is")
    func unsignedRefusal() async throws {
        let standIn = try await UnsignedRefusalStandIn.start()
        do {
            let server = try DNSServerAddress(parsing: "127.0.0.1:\(standIn.port)")
            let key = try TSIGKey(name: "acme-key", secret: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0IQ==")
            let updater = RFC2136Updater(client: Fixtures.client, server: server, signer: TSIGSigner(key: key))
            let error = try await #require(throws: DNSError.self) {
                try await updater.addTXT("token", at: try DNSName("_acme-challenge.example.test"), ttl: 60, zone: try DNSName("example.test"))
            }
            #expect(error.responseCode == .refused)
            #expect(error.description.contains("the key name, algorithm (hmac-sha256) or secret is wrong"), "\(error)")
            #expect(!error.description.contains("allow-update {"), "the policy advice is for a verified key: \(error)")
            #expect(!error.description.contains("c2VjcmV0"), "the secret must never be shown")
        } catch {
            await standIn.stop()
            throw error
        }
        await standIn.stop()
    }
}

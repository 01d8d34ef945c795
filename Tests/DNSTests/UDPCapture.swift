import NIOCore
import NIOPosix
import Testing

/// A UDP socket on 127.0.0.1 that records the first datagram a real tool (dig, nsupdate) sends
/// to it, so that tests can compare our encoding with the tool's bytes. It never answers.
final class UDPCapture: Sendable {
    typealias Envelope = AddressedEnvelope<ByteBuffer>

    let port: Int
    private let channel: NIOAsyncChannel<Envelope, Envelope>

    private init(port: Int, channel: NIOAsyncChannel<Envelope, Envelope>) {
        self.port = port
        self.channel = channel
    }

    static func start() async throws -> UDPCapture {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<Envelope, Envelope>(wrappingChannelSynchronously: channel)
                }
            }
        let port = try #require(channel.channel.localAddress?.port)
        return UDPCapture(port: port, channel: channel)
    }

    /// The first datagram received; call once. Closes the socket.
    func firstDatagram() async throws -> [UInt8] {
        try await channel.executeThenClose { inbound, _ in
            for try await envelope in inbound {
                return Array(envelope.data.readableBytesView)
            }
            throw CaptureError.closed
        }
    }

    enum CaptureError: Error {
        case closed
    }
}

extension UDPCapture {
    /// Starts a capture, runs `tool` against its port, and returns the first datagram the tool sent.
    static func capture(_ tool: @escaping @Sendable (_ port: Int) async throws -> Void) async throws -> [UInt8] {
        let capture = try await UDPCapture.start()
        return try await withThrowingTaskGroup(of: [UInt8].self) { group in
            group.addTask { try await capture.firstDatagram() }
            group.addTask {
                try await tool(capture.port)
                // The tool waits for an answer before it gives up, so its datagram is long here by now.
                try await Task.sleep(for: .seconds(5))
                throw CaptureError.closed
            }
            defer { group.cancelAll() }
            return try #require(try await group.next())
        }
    }
}

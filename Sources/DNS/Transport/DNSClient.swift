import NIOCore
import NIOPosix

/// Sends DNS messages to one server at a time: over UDP, and over TCP when the message is
/// larger than 512 bytes or the UDP answer comes back truncated (TC).
///
/// Answers must echo the request's id and, for queries, its question; stray datagrams are ignored.
public struct DNSClient: Sendable {
    /// How long to wait for an answer to each UDP attempt, and for a whole TCP exchange.
    public var timeout: Duration
    /// How many times a UDP request is sent before giving up.
    public var attempts: Int
    private let group: any EventLoopGroup

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - timeout: the wait for each UDP attempt (and for a whole TCP exchange).
    ///   - attempts: UDP sends before a timeout error (at least 1).
    ///   - eventLoopGroup: where the sockets live.
    public init(
        timeout: Duration = .seconds(3),
        attempts: Int = 3,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.timeout = timeout
        self.attempts = max(1, attempts)
        group = eventLoopGroup
    }

    /// Asks `server` one question.
    ///
    /// - Parameter recursionDesired: set RD, for a recursive resolver; leave it off for an
    ///   authoritative server.
    /// - Returns: the answer, whatever its RCODE.
    public func query(
        _ name: DNSName,
        type: DNSRecordType,
        server: DNSServerAddress,
        recursionDesired: Bool = false
    ) async throws -> DNSMessage {
        let request = DNSMessage(
            header: DNSHeader(recursionDesired: recursionDesired),
            questions: [DNSQuestion(name: name, type: type)]
        )
        return try await exchange(request, with: server)
    }

    /// Sends `request` and returns the decoded answer, whatever its RCODE.
    ///
    /// - Throws: ``DNSError``: ``DNSError/Kind/timeout``, ``DNSError/Kind/network`` (unreachable,
    ///   an answer that does not decode or does not match the request).
    public func exchange(_ request: DNSMessage, with server: DNSServerAddress) async throws -> DNSMessage {
        let answer = try await exchange(bytes: try request.encoded(), with: server)
        let response = try Self.decode(answer, from: server)
        guard response.questions.isEmpty || response.questions == request.questions else {
            throw DNSError.badAnswer(
                server.description,
                "it answers \(response.questions.map(\.description)) to \(request.questions.map(\.description))"
            )
        }
        return response
    }

    /// Decodes an answer, reporting a malformed one as coming from `server`.
    static func decode(_ answer: [UInt8], from server: DNSServerAddress) throws -> DNSMessage {
        do {
            return try DNSMessage(decoding: answer)
        } catch {
            throw DNSError.badAnswer(server.description, "\(error)")
        }
    }

    /// Sends an encoded request and returns the answer's bytes (same id, QR set).
    func exchange(bytes request: [UInt8], with server: DNSServerAddress) async throws -> [UInt8] {
        guard request.count >= 12 else {
            throw DNSError.unencodable("a DNS message is at least 12 bytes")
        }
        let address = try await server.socketAddress()
        if request.count <= 512 {
            let answer = try await udpExchange(request, address: address, server: server)
            guard answer[2] & 0x02 != 0 else { return answer }
        }
        return try await tcpExchange(request, address: address, server: server)
    }

    /// Whether `answer` is a response to the request with id `id`.
    private static func isAnswer(_ answer: [UInt8], to request: [UInt8]) -> Bool {
        answer.count >= 12 && answer[0] == request[0] && answer[1] == request[1] && answer[2] & 0x80 != 0
    }

    private enum UDPOutcome: Sendable {
        case answer([UInt8])
        case closed
        case timedOut
    }

    private func udpExchange(_ request: [UInt8], address: SocketAddress, server: DNSServerAddress) async throws -> [UInt8] {
        typealias Envelope = AddressedEnvelope<ByteBuffer>
        let channel: NIOAsyncChannel<Envelope, Envelope>
        do {
            channel = try await DatagramBootstrap(group: group).connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<Envelope, Envelope>(wrappingChannelSynchronously: channel)
                }
            }
        } catch {
            throw DNSError.unreachable(server.description, "\(error)")
        }
        let attempts = self.attempts
        let timeout = self.timeout
        let outcome: UDPOutcome
        do {
            outcome = try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: UDPOutcome.self) { tasks in
                    tasks.addTask {
                        for try await envelope in inbound {
                            let answer = Array(envelope.data.readableBytesView)
                            if Self.isAnswer(answer, to: request) {
                                return .answer(answer)
                            }
                        }
                        return .closed
                    }
                    tasks.addTask {
                        for _ in 0..<attempts {
                            try await outbound.write(Envelope(remoteAddress: address, data: ByteBuffer(bytes: request)))
                            try await Task.sleep(for: timeout)
                        }
                        return .timedOut
                    }
                    defer { tasks.cancelAll() }
                    return try await tasks.next() ?? .closed
                }
            }
        } catch let error as CancellationError {
            throw error
        } catch let error as IOError where error.errnoCode == ECONNREFUSED {
            throw DNSError.unreachable(server.description, "nothing listens on its UDP port (connection refused)")
        } catch {
            throw DNSError.unreachable(server.description, "UDP: \(error)")
        }
        switch outcome {
        case .answer(let answer):
            return answer
        case .closed:
            throw DNSError.unreachable(server.description, "the UDP socket closed before an answer came")
        case .timedOut:
            throw DNSError.timedOut(server.description, what: "over UDP (\(attempts) tries)", after: timeout * attempts)
        }
    }

    private func tcpExchange(_ request: [UInt8], address: SocketAddress, server: DNSServerAddress) async throws -> [UInt8] {
        guard request.count <= Int(UInt16.max) else {
            throw DNSError.unencodable("the message is \(request.count) bytes; the limit is 65,535")
        }
        let timeout = self.timeout
        let group = self.group
        return try await withDeadline(
            timeout,
            timeoutError: {
                DNSError.timedOut(server.description, what: "over TCP", after: timeout)
            }
        ) {
            let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
            do {
                channel = try await ClientBootstrap(group: group)
                    .connectTimeout(TimeAmount(timeout))
                    .connect(to: address) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                        }
                    }
            } catch let error as IOError where error.errnoCode == ECONNREFUSED {
                throw DNSError.unreachable(server.description, "nothing listens on its TCP port (connection refused)")
            } catch {
                throw DNSError.unreachable(server.description, "TCP: \(error)")
            }
            do {
                return try await Self.tcpRoundTrip(request, channel: channel, server: server)
            } catch let error as DNSError {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                throw DNSError.unreachable(server.description, "TCP: \(error)")
            }
        }
    }

    private static func tcpRoundTrip(
        _ request: [UInt8],
        channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>,
        server: DNSServerAddress
    ) async throws -> [UInt8] {
        try await channel.executeThenClose { inbound, outbound in
            var framed = ByteBuffer()
            framed.writeInteger(UInt16(request.count))
            framed.writeBytes(request)
            try await outbound.write(framed)
            var received = ByteBuffer()
            for try await chunk in inbound {
                received.writeImmutableBuffer(chunk)
                guard let length = received.getInteger(at: received.readerIndex, as: UInt16.self),
                    received.readableBytes >= 2 + Int(length)
                else { continue }
                let answer = received.getBytes(at: received.readerIndex + 2, length: Int(length)) ?? []
                guard Self.isAnswer(answer, to: request) else {
                    throw DNSError.badAnswer(server.description, "the TCP answer does not match the request's id")
                }
                return answer
            }
            throw DNSError.badAnswer(server.description, "the TCP connection closed before a whole answer came")
        }
    }
}

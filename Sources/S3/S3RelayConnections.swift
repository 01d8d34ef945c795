import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Keep-alive connections to the bucket for relays, kept per event loop, so that a relay reads
/// the bucket on the loop of the connection it writes to.
///
/// These are plain NIO channels rather than AsyncHTTPClient's because AsyncHTTPClient reads at
/// most 64 KiB at a time and offers no setting for it: under a warm-blob load, the per-read
/// work (its state machine, the HTTP parser, a write and a flush to the client) cost as much as
/// the kernel's copies. Here a read takes up to ``maximumRead`` bytes, as much as the socket
/// holds, and each becomes one write to the client.
final class S3RelayConnections: Sendable {
    /// The most a single read of a bucket connection takes.
    static let maximumRead = 1024 * 1024
    /// Idle connections kept per event loop; more are closed.
    static let idlePerLoop = 16
    /// How long an idle connection is kept.
    static let idleLimit: TimeAmount = .seconds(20)

    let endpoint: S3Endpoint
    let skipVerify: Bool
    let readTimeout: TimeAmount
    private let idle = Mutex<[ObjectIdentifier: [IdleConnection]]>([:])
    private let tls = Mutex<NIOSSLContext?>(nil)

    private struct IdleConnection: Sendable {
        let channel: any Channel
        let since: NIODeadline
    }

    init(endpoint: S3Endpoint, skipVerify: Bool, readTimeout: TimeAmount) {
        self.endpoint = endpoint
        self.skipVerify = skipVerify
        self.readTimeout = readTimeout
    }

    /// Whether connections can be made on `eventLoop` (NIO's own event loops only).
    func canConnect(on eventLoop: any EventLoop) -> Bool {
        ClientBootstrap(validatingGroup: eventLoop) != nil
    }

    /// An idle connection on `eventLoop`, or a new one; says which, as a reused one may have
    /// been closed by the bucket meanwhile.
    func acquire(on eventLoop: any EventLoop) -> EventLoopFuture<(channel: any Channel, reused: Bool)> {
        let key = ObjectIdentifier(eventLoop)
        while let connection = idle.withLock({ $0[key]?.popLast() }) {
            if connection.channel.isActive { return eventLoop.makeSucceededFuture((connection.channel, true)) }
        }
        return connect(on: eventLoop).map { ($0, false) }
    }

    /// Keeps `channel` for a later relay on its loop, or closes it when enough are kept.
    func release(_ channel: any Channel) {
        let key = ObjectIdentifier(channel.eventLoop)
        let since = NIODeadline.now()
        let kept = idle.withLock { idle in
            guard idle[key, default: []].count < Self.idlePerLoop else { return false }
            idle[key, default: []].append(IdleConnection(channel: channel, since: since))
            return true
        }
        guard kept else {
            channel.close(promise: nil)
            return
        }
        channel.eventLoop.scheduleTask(in: Self.idleLimit) { [self] in
            let expired = idle.withLock { idle in
                guard let index = idle[key]?.firstIndex(where: { $0.channel === channel && $0.since == since }) else { return false }
                idle[key]?.remove(at: index)
                return true
            }
            if expired { channel.close(promise: nil) }
        }
    }

    private func connect(on eventLoop: any EventLoop) -> EventLoopFuture<any Channel> {
        let secure = endpoint.scheme == "https"
        let context: NIOSSLContext?
        do {
            context = secure ? try tlsContext() : nil
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        guard let bootstrap = ClientBootstrap(validatingGroup: eventLoop) else {
            return eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let host = endpoint.host
        let readTimeout = readTimeout
        // An IP address is no name to send in SNI.
        let serverName = (try? SocketAddress(ipAddress: host, port: 0)) == nil ? host : nil
        return bootstrap
            .connectTimeout(.seconds(10))
            .channelOption(ChannelOptions.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64 * 1024, initial: 256 * 1024, maximum: Self.maximumRead))
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            // One read per wake-up: the relay reads again only when the client took the last
            // piece, so what it holds stays one read's worth.
            .channelOption(ChannelOptions.maxMessagesPerRead, value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let context { try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName)) }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(S3RelayHandler(readTimeout: readTimeout))
                }
            }
            .connect(host: host, port: endpoint.port ?? (secure ? 443 : 80))
    }

    private func tlsContext() throws -> NIOSSLContext {
        try tls.withLock { stored in
            if let stored { return stored }
            var configuration = TLSConfiguration.makeClientConfiguration()
            if skipVerify { configuration.certificateVerification = .none }
            let context = try NIOSSLContext(configuration: configuration)
            stored = context
            return context
        }
    }
}

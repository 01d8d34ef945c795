import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP2
import NIOHTTPTypesHTTP2
import NIOSSL
import NIOTLS

/// HTTP/2 by ALPN (HTTP/1.1 otherwise) over TLS, with HTTP/2's limits from `http.limits`.
///
/// It does what Hummingbird's `HTTP2UpgradeChannel` does — TLS, ALPN `h2` or `http/1.1`,
/// HTTP/1.1 through Hummingbird's `HTTP1Channel`, each HTTP/2 stream answered by the same
/// responder, GOAWAY on graceful shutdown — but configures the `NIOHTTP2Handler` itself, which
/// Hummingbird does not let us do: concurrent streams and header list size advertised in the
/// first SETTINGS and enforced, and the rate of stream resets a connection may have.
/// ``HTTP2LimitHandler`` counts the connections ended for going beyond them.
struct LimitedHTTP2UpgradeChannel: ServerChildChannel {
    typealias HTTP2Connection = NIOHTTP2Handler.AsyncStreamMultiplexer<HTTP1Channel.Value>

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<NIONegotiatedHTTPVersion<HTTP1Channel.Value, HTTP2Connection>>
        let channel: any Channel
    }

    private let sslContext: NIOSSLContext
    private let http1: HTTP1Channel
    private let http2: NIOHTTP2Handler.Configuration

    init(tlsConfiguration: TLSConfiguration, limits: WharfConfiguration.ListenerLimits, responder: @escaping HTTPChannelHandler.Responder) throws {
        var tlsConfiguration = tlsConfiguration
        tlsConfiguration.applicationProtocols = NIOHTTP2SupportedALPNProtocols
        sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        http1 = HTTP1Channel(responder: responder, configuration: .guarded(limits))
        http2 = .limited(limits)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<NIONegotiatedHTTPVersion<HTTP1Channel.Value, HTTP2Connection>> { result, channel in
                switch result {
                case .negotiated("h2"):
                    return setupHTTP2(channel: channel, logger: logger).map { .http2($0) }
                case .negotiated("http/1.1"), .fallback:
                    return http1.setup(channel: channel, logger: logger).map { .http1_1($0) }
                case .negotiated:
                    return channel.close().flatMapThrowing { throw NIOHTTP2Errors.invalidALPNToken() }
                }
            }
            try channel.pipeline.syncOperations.addHandler(negotiation)
            return Value(negotiated: negotiation.protocolNegotiationResult, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http1_1(let connection):
                await http1.handle(value: connection, logger: logger)
            case .http2(let connection):
                try await withThrowingDiscardingTaskGroup { group in
                    for try await stream in connection.inbound {
                        // One request per stream: HTTP/1.1's loop answers it and ends with the stream.
                        group.addTask { await http1.handle(value: stream, logger: logger) }
                    }
                }
            }
        } catch {
            logger.debug("HTTP/2 connection ended: \(error)")
        }
    }

    /// The connection's HTTP/2 handler configured from our limits, the limit counter after it,
    /// then swift-nio-http2's connection manager (GOAWAY and drain on graceful shutdown).
    private func setupHTTP2(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP2Connection> {
        channel.eventLoop.makeCompletedFuture {
            let manager = NIOHTTP2ServerConnectionManagementHandler(
                eventLoop: channel.eventLoop,
                configuration: .init(maxIdleTime: nil, maxAge: nil, maxGraceTime: nil, keepalive: nil)
            )
            let connection = try channel.pipeline.syncOperations.configureAsyncHTTP2Pipeline(
                mode: .server, streamDelegate: manager.http2StreamDelegate, configuration: http2
            ) { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTPServerCodec())
                    try stream.pipeline.syncOperations.addHandler(RequestProgressHandler())
                    // No HTTPConnectionStateHandler, which Hummingbird puts here: on graceful shutdown it
                    // closes the stream right after writing its answer's end, while the last DATA frames
                    // still wait for the client's flow-control window, so a download running at SIGTERM
                    // was cut short. The connection manager's GOAWAY ends the connection instead.
                    return try HTTP1Channel.Value(wrappingChannelSynchronously: stream)
                }
            }
            try channel.pipeline.syncOperations.addHandler(HTTP2LimitHandler())
            try channel.pipeline.syncOperations.addHandler(manager)
            return connection
        }
    }
}

extension NIOHTTP2Handler.Configuration {
    /// swift-nio-http2's defaults with the concurrent streams, header list size and stream
    /// reset rate of `limits`.
    static func limited(_ limits: WharfConfiguration.ListenerLimits) -> Self {
        var configuration = Self()
        configuration.connection.initialSettings = nioDefaultSettings.filter { $0.parameter != .maxConcurrentStreams && $0.parameter != .maxHeaderListSize } + [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: limits.http2MaxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: limits.http2MaxHeaderListSize),
        ]
        configuration.stream.streamResetFrameRateLimit.maximumCount = limits.http2MaxResets
        configuration.stream.streamResetFrameRateLimit.windowLength = TimeAmount(limits.http2ResetWindow)
        return configuration
    }
}

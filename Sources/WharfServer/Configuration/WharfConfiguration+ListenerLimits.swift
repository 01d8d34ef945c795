/// `http.timeouts` and `http.limits` (ours): how long and how much a client may hold of the API listener.
extension WharfConfiguration {
    public struct ListenerLimits: Sendable, Equatable {
        /// `http.timeouts.header`: a request's headers must be complete this long after the
        /// connection opened (TLS handshake included), or after its first byte on a kept-alive one.
        public var headerTimeout: Duration = .seconds(10)
        /// `http.timeouts.idle`: a kept-alive connection with no request is closed after this.
        public var idleTimeout: Duration = .seconds(75)
        /// `http.timeouts.writestall`: a connection whose client reads nothing of an answer for this
        /// long is cut and its buffers freed.
        public var writeStallTimeout: Duration = .seconds(30)
        /// `http.limits.connections`: open connections in all; a new one beyond it is refused.
        public var maxConnections = 4096
        /// `http.limits.connectionsperclient`: open connections from one client address.
        public var maxConnectionsPerClient = 256
        /// `http.limits.headerbytes`: the size of a request's header fields together (HTTP/1.1).
        public var maxHeaderBytes = 64 * 1024
        /// `http.limits.headercount`: how many header fields a request may have (HTTP/1.1).
        public var maxHeaderCount = 100
        /// `http.limits.http2streams`: the streams one HTTP/2 connection may have open at once
        /// (SETTINGS_MAX_CONCURRENT_STREAMS); a client opening more loses the connection.
        public var http2MaxConcurrentStreams = 100
        /// `http.limits.http2headerlist`: the size of one HTTP/2 request's header list
        /// (SETTINGS_MAX_HEADER_LIST_SIZE); a client sending more loses the connection.
        public var http2MaxHeaderListSize = 16 * 1024
        /// `http.limits.http2resets`: how many streams an HTTP/2 client may reset within
        /// `http2ResetWindow`; one resetting faster (a rapid-reset flood) gets GOAWAY ENHANCE_YOUR_CALM.
        public var http2MaxResets = 200
        /// `http.limits.http2resetwindow`: the window `http2MaxResets` counts in.
        public var http2ResetWindow: Duration = .seconds(30)

        public init() {}
    }
}

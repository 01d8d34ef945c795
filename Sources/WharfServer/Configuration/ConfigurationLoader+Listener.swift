import Foundation
import Upstream

/// `http.timeouts.*`, `http.limits.*` and `proxy.timeouts.*` (ours).
extension ConfigurationLoader {
    static func listenerLimits(_ reader: TreeReader) throws(ConfigurationError) -> WharfConfiguration.ListenerLimits {
        var limits = WharfConfiguration.ListenerLimits()
        if let text = try reader.string("http.timeouts.header") { limits.headerTimeout = try positiveDuration(text, key: "http.timeouts.header", reader: reader) }
        if let text = try reader.string("http.timeouts.idle") { limits.idleTimeout = try positiveDuration(text, key: "http.timeouts.idle", reader: reader) }
        if let text = try reader.string("http.timeouts.writestall") {
            limits.writeStallTimeout = try positiveDuration(text, key: "http.timeouts.writestall", reader: reader)
        }
        if let text = try reader.string("http.limits.connections") { limits.maxConnections = try positiveCount(text, key: "http.limits.connections", reader: reader) }
        if let text = try reader.string("http.limits.connectionsperclient") {
            limits.maxConnectionsPerClient = try positiveCount(text, key: "http.limits.connectionsperclient", reader: reader)
        }
        if let text = try reader.string("http.limits.headerbytes") {
            let bytes = try byteSize(text, key: "http.limits.headerbytes", reader: reader)
            guard bytes >= 1024, bytes <= 16 * 1_048_576 else { throw reader.error("http.limits.headerbytes", "must be between 1KiB and 16MiB") }
            limits.maxHeaderBytes = Int(bytes)
        }
        if let text = try reader.string("http.limits.headercount") { limits.maxHeaderCount = try positiveCount(text, key: "http.limits.headercount", reader: reader) }
        try http2Limits(reader, into: &limits)
        return limits
    }

    /// `http.limits.http2*`: what one HTTP/2 connection may ask of the listener.
    private static func http2Limits(_ reader: TreeReader, into limits: inout WharfConfiguration.ListenerLimits) throws(ConfigurationError) {
        if let text = try reader.string("http.limits.http2streams") {
            limits.http2MaxConcurrentStreams = try positiveCount(text, key: "http.limits.http2streams", reader: reader)
        }
        if let text = try reader.string("http.limits.http2headerlist") {
            let bytes = try byteSize(text, key: "http.limits.http2headerlist", reader: reader)
            guard bytes >= 1024, bytes <= 16 * 1_048_576 else { throw reader.error("http.limits.http2headerlist", "must be between 1KiB and 16MiB") }
            limits.http2MaxHeaderListSize = Int(bytes)
        }
        if let text = try reader.string("http.limits.http2resets") { limits.http2MaxResets = try positiveCount(text, key: "http.limits.http2resets", reader: reader) }
        if let text = try reader.string("http.limits.http2resetwindow") {
            limits.http2ResetWindow = try positiveDuration(text, key: "http.limits.http2resetwindow", reader: reader)
        }
    }

    static func upstreamTimeouts(_ reader: TreeReader) throws(ConfigurationError) -> UpstreamTimeouts {
        var timeouts = UpstreamTimeouts()
        if let text = try reader.string("proxy.timeouts.connect") { timeouts.connect = try positiveDuration(text, key: "proxy.timeouts.connect", reader: reader) }
        if let text = try reader.string("proxy.timeouts.response") { timeouts.response = try positiveDuration(text, key: "proxy.timeouts.response", reader: reader) }
        if let text = try reader.string("proxy.timeouts.idle") { timeouts.idle = try positiveDuration(text, key: "proxy.timeouts.idle", reader: reader) }
        return timeouts
    }

    /// A duration that is not zero: a timeout of nothing would close every connection at once.
    private static func positiveDuration(_ text: String, key: String, reader: TreeReader) throws(ConfigurationError) -> Duration {
        let value = try duration(text, key: key, reader: reader)
        guard value >= .milliseconds(1) else { throw reader.error(key, "must be longer than zero, such as 10s") }
        return value
    }

    private static func positiveCount(_ text: String, key: String, reader: TreeReader) throws(ConfigurationError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value > 0, value <= 1_000_000 else {
            throw reader.error(key, "must be a whole number from 1 to 1000000")
        }
        return value
    }
}

import NIOCore
import NIOPosix

/// Where a DNS server listens: a host (IP address or name) and a port (53 unless given).
///
/// Text forms: `192.0.2.53`, `192.0.2.53:5353`, `ns1.example.com:53`, `[2001:db8::53]:53`, `2001:db8::53`.
public struct DNSServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IP address or a host name.
    public let host: String
    /// The UDP and TCP port.
    public let port: Int

    /// Creates an address.
    public init(host: String, port: Int = 53) {
        self.host = host
        self.port = port
    }

    /// Parses `host`, `host:port`, `[ipv6]:port` or a bare IPv6 address.
    ///
    /// - Parameter setting: the configuration key named in the error (`nameserver`, `resolvers`).
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidConfiguration``) for an empty host or a bad port.
    public init(parsing text: String, setting: String = "nameserver") throws {
        let trimmed = text.filter { !$0.isWhitespace }
        var host = trimmed
        var portText: Substring?
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else {
                throw DNSError.invalidSetting(setting, "\(String(reflecting: text)) has `[` without `]`")
            }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else {
                    throw DNSError.invalidSetting(setting, "\(String(reflecting: text)): expected `:port` after `]`")
                }
                portText = rest.dropFirst()
            }
        } else if trimmed.filter({ $0 == ":" }).count == 1, let colon = trimmed.firstIndex(of: ":") {
            host = String(trimmed[..<colon])
            portText = trimmed[trimmed.index(after: colon)...]
        }
        guard !host.isEmpty else {
            throw DNSError.invalidSetting(
                setting,
                "\(String(reflecting: text)) names no host; write host:port, e.g. 192.0.2.53:53"
            )
        }
        var port = 53
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw DNSError.invalidSetting(setting, "\(String(reflecting: text)) has no valid port (1-65535) after `:`")
            }
            port = parsed
        }
        self.init(host: host, port: port)
    }

    /// `host:port`, with brackets around an IPv6 address.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The socket address; a host name is resolved on threads of its own, never on an event loop.
    func socketAddress() async throws -> SocketAddress {
        if let literal = try? SocketAddress(ipAddress: host, port: port) {
            return literal
        }
        let host = self.host
        let port = self.port
        do {
            return try await NameResolution.resolve(host, port: port)
        } catch {
            throw DNSError.unreachable(description, "the host name \(host) does not resolve (\(error))")
        }
    }
}

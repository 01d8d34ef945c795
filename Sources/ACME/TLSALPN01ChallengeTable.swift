import FileIO
import NIOSSL
import Synchronization

/// The TLS-ALPN-01 challenges being validated: for each server name the validator sends (the
/// DNS name, or an address's reverse-DNS name), the TLS context presenting its validation
/// certificate. The TLS listener consults it for every ClientHello offering only `acme-tls/1`.
public final class TLSALPN01ChallengeTable: Sendable {
    private struct Entry {
        var token: String
        var context: NIOSSLContext
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// An empty table.
    public init() {}

    /// `acme-tls/1`, the one ALPN protocol of a validation handshake.
    public static let applicationProtocol = "acme-tls/1"

    /// Serves `context` to validation handshakes for `identifier` until ``remove(identifier:token:)``.
    func add(identifier: String, token: String, context: NIOSSLContext) {
        entries.withLock { $0[Self.serverName(for: identifier)] = Entry(token: token, context: context) }
    }

    /// Stops serving the challenge `token` for `identifier` (a newer one for the name stays).
    func remove(identifier: String, token: String) {
        let name = Self.serverName(for: identifier)
        entries.withLock { entries in
            if entries[name]?.token == token { entries[name] = nil }
        }
    }

    /// The validation context for a ClientHello naming `serverName`, if a challenge for it is pending.
    public func context(forServerName serverName: String) -> NIOSSLContext? {
        entries.withLock { $0[serverName.lowercased()]?.context }
    }

    /// A TLS context presenting a new validation certificate for `identifier` and
    /// `keyAuthorization`, with a key of its own; for an instance answering a challenge another
    /// instance ordered.
    public static func validationContext(identifier: String, keyAuthorization: String) throws -> NIOSSLContext {
        try TLSALPN01Certificate.context(identifier: identifier, keyAuthorization: keyAuthorization)
    }

    /// The SNI a validator sends for `identifier`: the name itself, or for an IP address its
    /// reverse-DNS name (RFC 8738 §6), e.g. `1.0.0.127.in-addr.arpa`.
    public static func serverName(for identifier: String) -> String {
        guard let bytes = IPAddressText.bytes(of: identifier) else { return identifier.lowercased() }
        if bytes.count == 4 {
            return bytes.reversed().map(String.init).joined(separator: ".") + ".in-addr.arpa"
        }
        let nibbles = bytes.flatMap { [$0 >> 4, $0 & 0x0f] }
        return nibbles.reversed().map { String($0, radix: 16) }.joined(separator: ".") + ".ip6.arpa"
    }
}

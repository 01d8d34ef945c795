/// An ACME challenge type, as RFC 8555 names it; the raw value is the name on the wire and in
/// the configuration (`challenge: dns-01`).
public enum ChallengeType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// HTTP-01 (RFC 8555 §8.3): a token served on port 80 at `/.well-known/acme-challenge/`.
    case http01 = "http-01"
    /// DNS-01 (RFC 8555 §8.4): a TXT record at `_acme-challenge.<domain>`.
    case dns01 = "dns-01"
    /// TLS-ALPN-01 (RFC 8737): a validation certificate served on the TLS port to a ClientHello
    /// offering only `acme-tls/1`.
    case tlsALPN01 = "tls-alpn-01"

    /// The name, e.g. `dns-01`.
    public var description: String { rawValue }
}

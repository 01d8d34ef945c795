import ACME

extension WharfConfiguration {
    /// `http.tls.letsencrypt.challenge` and what that challenge needs (`dns` for DNS-01).
    ///
    /// One value per challenge type, each carrying its own settings, so that a configuration
    /// listing several challenges in order is a list of these.
    public enum ChallengeSettings: Sendable, Equatable {
        /// HTTP-01, answered on the plain listener (`httpaddr`, `:80` by default).
        case http01
        /// TLS-ALPN-01, answered on the main TLS listener (no plain listener needed).
        case tlsALPN01
        /// DNS-01, published by the provider in `http.tls.letsencrypt.dns`.
        case dns01(DNSChallengeSettings)

        /// The ACME challenge type.
        public var type: ChallengeType {
            switch self {
            case .http01: .http01
            case .dns01: .dns01
            case .tlsALPN01: .tlsALPN01
            }
        }
    }
}

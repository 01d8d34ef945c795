/// How a ``PebblePeer`` is configured: its `pebble.json` and the `PEBBLE_*` environment knobs.
public struct PebbleOptions: Sendable {
    /// The port Pebble's validator dials for HTTP-01 (the test's challenge server).
    public var httpPort: Int
    /// The port Pebble dials for TLS-ALPN-01 (0: nothing listens).
    public var tlsPort: Int = 0
    /// The lifetime of issued certificates in seconds (nil: Pebble's default of five years).
    public var certificateValidityPeriod: Int?
    /// `PEBBLE_VA_NOSLEEP=1`: validate at once instead of after a random 0-15 s sleep.
    public var noSleep = true
    /// `PEBBLE_VA_ALWAYS_VALID=1`: every challenge passes without being checked.
    public var alwaysValid = false
    /// `PEBBLE_WFE_NONCEREJECT`: the percentage of good nonces rejected as `badNonce` (nil: Pebble's 5).
    public var nonceRejectPercent: Int?
    /// `PEBBLE_AUTHZREUSE`: the percentage of orders that reuse a valid authorization (nil: Pebble's 50).
    public var authorizationReusePercent: Int?
    /// `PEBBLE_ALTERNATE_ROOTS`: how many alternate roots (and chains, `Link: rel="alternate"`) to offer.
    public var alternateRoots: Int?
    /// `PEBBLE_CHAIN_LENGTH`: intermediates between leaf and root (nil: 1).
    public var chainLength: Int?
    /// Requires External Account Binding with these key ids and base64url HMAC keys.
    public var externalAccountMACKeys: [String: String] = [:]
    /// More environment variables for the pebble process.
    public var environment: [String: String] = [:]
    /// Where Pebble resolves names (`-dnsserver`); its own pebble-challtestsrv when `nil`.
    public var dnsServer: String?

    /// Options with Pebble's defaults except `PEBBLE_VA_NOSLEEP=1`.
    public init(httpPort: Int) {
        self.httpPort = httpPort
    }

    /// The environment the pebble process gets.
    var processEnvironment: [String: String] {
        var result = environment
        if noSleep { result["PEBBLE_VA_NOSLEEP"] = "1" }
        if alwaysValid { result["PEBBLE_VA_ALWAYS_VALID"] = "1" }
        if let nonceRejectPercent { result["PEBBLE_WFE_NONCEREJECT"] = String(nonceRejectPercent) }
        if let authorizationReusePercent { result["PEBBLE_AUTHZREUSE"] = String(authorizationReusePercent) }
        if let alternateRoots { result["PEBBLE_ALTERNATE_ROOTS"] = String(alternateRoots) }
        if let chainLength { result["PEBBLE_CHAIN_LENGTH"] = String(chainLength) }
        return result
    }
}

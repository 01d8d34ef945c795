/// When a DNS-01 provider may return from `present`: the configuration keys
/// `propagationtimeout`, `pollinginterval` and `resolvers`, shared by every provider.
public struct PropagationSettings: Sendable, Hashable {
    /// How long to wait for every server to show the TXT value (`propagationtimeout`); zero
    /// skips the check.
    public var timeout: Duration
    /// How long to wait between two rounds of queries (`pollinginterval`).
    public var pollingInterval: Duration
    /// `host:port` of the servers to ask (`resolvers`). For rfc2136 they replace the zone's
    /// authoritative servers; for webhook and exec they are where the zone's authoritative
    /// servers are looked up (and are asked themselves when that lookup fails). Empty: rfc2136
    /// asks the zone's authoritative servers, webhook and exec skip the check.
    public var resolvers: [String]

    /// Creates settings; the defaults are 2 minutes, every 2 seconds, no resolvers.
    public init(timeout: Duration = .seconds(120), pollingInterval: Duration = .seconds(2), resolvers: [String] = []) {
        self.timeout = timeout
        self.pollingInterval = pollingInterval
        self.resolvers = resolvers
    }

    /// The resolvers parsed, or an error naming the bad one.
    func resolverAddresses() throws -> [DNSServerAddress] {
        try resolvers.map { try DNSServerAddress(parsing: $0, setting: "resolvers") }
    }

    /// Refuses a negative timeout or a non-positive polling interval.
    func validate() throws {
        guard timeout >= .zero else {
            throw DNSError.invalidSetting("propagationtimeout", "it is negative; use a duration such as 120s (0 skips the check)")
        }
        guard pollingInterval > .zero else {
            throw DNSError.invalidSetting("pollinginterval", "it must be above zero, e.g. 2s")
        }
    }
}

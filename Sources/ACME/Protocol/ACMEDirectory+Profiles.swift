extension ACMEDirectory {
    /// How the CA stands to a certificate profile an order would ask for.
    public enum ProfileSupport: Sendable, Hashable {
        /// The CA lists the profile: the order asks for it.
        case offered
        /// The CA lists profiles, but not this one: ordering with it would fail.
        case notOffered(offered: [String])
        /// The CA lists no profiles (Pebble 2.4, older CAs): the profile is left out of the order.
        case noProfiles
    }

    /// Whether `profile` can be asked for here; ``ProfileSupport/notOffered(offered:)`` lists the
    /// CA's profiles in name order.
    public func support(forProfile profile: String) -> ProfileSupport {
        if profiles.isEmpty { return .noProfiles }
        if profiles[profile] != nil { return .offered }
        return .notOffered(offered: profiles.keys.sorted())
    }
}

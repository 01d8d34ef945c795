/// One server a propagation check waits for: an authoritative server (by NS name, with all of
/// its addresses) or a configured resolver.
struct CheckTarget: Sendable, Hashable, CustomStringConvertible {
    /// The NS name, or the resolver's `host:port`.
    var label: String
    /// Tried in order until one answers; the first answer decides.
    var addresses: [DNSServerAddress]

    var description: String {
        let listed = addresses.map(\.description).joined(separator: ", ")
        return label == listed ? label : "\(label) (\(listed))"
    }
}

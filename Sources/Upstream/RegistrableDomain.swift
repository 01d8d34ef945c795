/// Decides whether credentials for one host may be sent to another.
///
/// Without a public-suffix list, the registrable domain is approximated as the last two
/// labels of a name (`auth.docker.io` and `registry-1.docker.io` share `docker.io`), and an
/// address or single-label name only matches itself. A realm on another domain gets the
/// request without credentials.
public enum RegistrableDomain {
    /// The registrable part of `host`.
    public static func of(_ host: String) -> String {
        let lowered = host.lowercased()
        if lowered.contains(":") || lowered.split(separator: ".").allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            return lowered
        }
        let labels = lowered.split(separator: ".")
        guard labels.count > 2 else { return lowered }
        return labels.suffix(2).joined(separator: ".")
    }

    /// Whether `candidate` is on the same registrable domain as `host`.
    public static func sameSite(_ candidate: String, _ host: String) -> Bool {
        of(candidate) == of(host)
    }
}

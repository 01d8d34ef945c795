import NIOHTTP1

/// The `Link` header (RFC 8288) as ACME uses it: `<url>;rel="alternate"` for alternate
/// chains, `rel="up"` for issuers, `rel="index"` for the directory.
enum LinkHeader {
    /// The targets of every link with relation `relation`, across all `Link` fields, in order.
    static func targets(rel relation: String, in headers: HTTPHeaders) -> [String] {
        headers["Link"].flatMap { targets(rel: relation, in: $0) }
    }

    /// The targets with relation `relation` in one field value, which may list several
    /// comma-separated links (`<a>;rel="alternate", <b>;rel="alternate"`).
    static func targets(rel relation: String, in value: String) -> [String] {
        var found: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let target = String(rest[rest.index(after: open)..<close])
            // This link's parameters end where the next link's "<" begins.
            let end = rest[close...].firstIndex(of: "<") ?? rest.endIndex
            if relations(in: rest[rest.index(after: close)..<end]).contains(relation.lowercased()) {
                found.append(target)
            }
            rest = rest[end...]
        }
        return found
    }

    /// The relation types of the `rel` parameter in `parameters` (`;rel="a b",`), lower-cased.
    private static func relations(in parameters: Substring) -> [String] {
        let separators: Set<Character> = [" ", "\t", "\"", ","]
        for parameter in parameters.split(separator: ";") {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].filter({ !separators.contains($0) }).lowercased() == "rel" else { continue }
            return parts[1].split(whereSeparator: { separators.contains($0) }).map { $0.lowercased() }
        }
        return []
    }
}

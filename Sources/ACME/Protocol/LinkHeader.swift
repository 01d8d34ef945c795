import NIOHTTP1

/// The `Link` header (RFC 8288) as ACME uses it: `<url>;rel="alternate"` for alternate
/// chains, `rel="up"` for issuers, `rel="index"` for the directory.
enum LinkHeader {
    /// The targets of every link with relation `relation`, across all `Link` fields, in order.
    static func targets(rel relation: String, in headers: HTTPHeaders) -> [String] {
        headers["Link"].flatMap { targets(rel: relation, in: $0) }
    }

    /// The targets with relation `relation` in one field value (which may list several links).
    static func targets(rel relation: String, in value: String) -> [String] {
        var found: [String] = []
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let target = String(rest[rest.index(after: open)..<close])
            // Parameters run to the next link, which starts at a "<" after a comma.
            var end = rest.endIndex
            if let comma = rest[close...].firstIndex(of: ","), let next = rest[comma...].firstIndex(of: "<") {
                end = next
            }
            let parameters = rest[rest.index(after: close)..<end]
            if relations(in: parameters).contains(relation) {
                found.append(target)
            }
            rest = rest[end...]
        }
        return found
    }

    /// The space-separated relation types of a `rel` parameter, quoted or not.
    private static func relations(in parameters: Substring) -> [String] {
        for parameter in parameters.split(separator: ";") {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingWhitespace().lowercased() == "rel" else { continue }
            var value = parts[1].trimmingWhitespace()
            value = value.trimmingCharacters(in: ",")
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.split(separator: " ").map { $0.lowercased() }
        }
        return []
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension String {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }
}

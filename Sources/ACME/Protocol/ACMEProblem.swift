/// A problem document (RFC 7807, RFC 8555 §6.7): how an ACME server says what went wrong.
public struct ACMEProblem: Decodable, Sendable, Hashable, CustomStringConvertible {
    /// The problem type URI, e.g. `urn:ietf:params:acme:error:rateLimited`.
    public let type: String
    /// The server's explanation for a person.
    public let detail: String?
    /// The HTTP status the server gave.
    public let status: Int?
    /// For a subproblem, the identifier it is about.
    public let identifier: ACMEIdentifier?
    /// A URL with more information (for `userActionRequired`, the page to visit).
    public let instance: String?
    /// Per-identifier problems (RFC 8555 §6.7.1).
    public let subproblems: [ACMEProblem]

    private enum CodingKeys: String, CodingKey {
        case type, detail, status, identifier, instance, subproblems
    }

    /// Creates a problem, e.g. for a test.
    public init(
        type: String,
        detail: String? = nil,
        status: Int? = nil,
        identifier: ACMEIdentifier? = nil,
        instance: String? = nil,
        subproblems: [ACMEProblem] = []
    ) {
        self.type = type
        self.detail = detail
        self.status = status
        self.identifier = identifier
        self.instance = instance
        self.subproblems = subproblems
    }

    /// Decodes a problem document; a missing `type` means `about:blank` (RFC 7807 §4.2).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "about:blank"
        detail = try container.decodeIfPresent(String.self, forKey: .detail)
        status = try container.decodeIfPresent(Int.self, forKey: .status)
        identifier = try container.decodeIfPresent(ACMEIdentifier.self, forKey: .identifier)
        instance = try container.decodeIfPresent(String.self, forKey: .instance)
        subproblems = try container.decodeIfPresent([ACMEProblem].self, forKey: .subproblems) ?? []
    }

    /// Parses a problem document; nil when `body` is not one.
    public static func parse(_ body: [UInt8]) -> ACMEProblem? {
        try? ACMEJSON.decode(ACMEProblem.self, from: body)
    }

    /// The type without the `urn:ietf:params:acme:error:` prefix (`rateLimited`), or the whole URI
    /// for types from other namespaces.
    public var shortType: String {
        let prefix = "urn:ietf:params:acme:error:"
        return type.hasPrefix(prefix) ? String(type.dropFirst(prefix.count)) : type
    }

    /// `detail (type)`, followed by each subproblem as `identifier: detail (type)`.
    public var description: String {
        var text = "\(detail ?? "no detail given") (\(shortType))"
        for subproblem in subproblems {
            let name = subproblem.identifier?.value ?? "?"
            text += "; \(name): \(subproblem.detail ?? "no detail given") (\(subproblem.shortType))"
        }
        return text
    }
}

/// A scope a client asks a token service for, e.g. `repository:library/test:pull,push`.
struct TokenScope: Sendable, Equatable {
    var type: String
    var name: String
    var actions: [String]

    /// Parses `type:name:actions`; the name may itself contain ':' (a registry host with a port).
    init?(_ text: String) {
        guard let firstColon = text.firstIndex(of: ":"),
              let lastColon = text.lastIndex(of: ":"),
              firstColon < lastColon
        else { return nil }
        type = String(text[..<firstColon])
        name = String(text[text.index(after: firstColon)..<lastColon])
        actions = text[text.index(after: lastColon)...].split(separator: ",").map(String.init)
    }
}

/// The `access` claim entry of a registry token.
struct TokenAccess: Codable, Sendable, Equatable {
    var type: String
    var name: String
    var actions: [String]
}

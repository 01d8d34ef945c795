/// A `WWW-Authenticate` challenge (RFC 7235): a scheme and its parameters.
///
///     Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"
public struct AuthenticationChallenge: Sendable, Equatable {
    /// The scheme, lower-cased: `bearer` or `basic`.
    public let scheme: String
    /// Parameters by lower-cased name.
    public let parameters: [String: String]

    public init(scheme: String, parameters: [String: String]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    /// Parses one header value; `nil` when it is not a challenge.
    public init?(header: String) {
        var rest = Substring(header)
        rest = rest.drop(while: { $0 == " " })
        let schemeEnd = rest.firstIndex(of: " ") ?? rest.endIndex
        let scheme = rest[..<schemeEnd].lowercased()
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return nil }
        rest = rest[schemeEnd...]
        var parameters: [String: String] = [:]
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "," })
            guard let equals = rest.firstIndex(of: "=") else { break }
            let name = rest[..<equals].trimmingCharacters(in: " ").lowercased()
            rest = rest[rest.index(after: equals)...].drop(while: { $0 == " " })
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var index = rest.startIndex
                while index < rest.endIndex {
                    let character = rest[index]
                    index = rest.index(after: index)
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
                rest = rest[index...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: " ")
                rest = rest[end...]
            }
            if !name.isEmpty { parameters[name] = value }
        }
        self.scheme = scheme
        self.parameters = parameters
    }
}

extension Substring {
    func trimmingCharacters(in character: Character) -> String {
        var result = self
        while result.first == character { result.removeFirst() }
        while result.last == character { result.removeLast() }
        return String(result)
    }
}

/// An image reference as `wharf warm` and `proxy.warm` take it: `[HOST/]REPOSITORY[:TAG|@DIGEST]`,
/// the host (a first component with a `.` or `:`, or `localhost`) naming the upstream as `?ns=` does.
public struct ImageReference: Sendable, Equatable, CustomStringConvertible {
    /// The registry host, when one was given.
    public var registry: String?
    public var repository: RepositoryName
    /// The tag (`latest` when none was given) or digest.
    public var reference: Reference

    /// Parses `text`.
    /// - Throws: ``RegistryError`` for a bad name, tag or digest.
    public init(parsing text: String) throws(RegistryError) {
        var rest = Substring(text)
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" {
                registry = String(first)
                rest = rest[rest.index(after: slash)...]
            }
        }
        if let at = rest.firstIndex(of: "@") {
            repository = try RepositoryName(rest[..<at])
            reference = .digest(try Digest(parsing: rest[rest.index(after: at)...]))
        } else if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            repository = try RepositoryName(rest[..<colon])
            reference = .tag(try Tag(rest[rest.index(after: colon)...]))
        } else {
            repository = try RepositoryName(rest)
            reference = .tag(try Tag("latest"))
        }
    }

    /// The API path of a manifest of this repository, with `?ns=` when a registry was named.
    public func manifestPath(_ reference: Reference) -> String {
        path("manifests/\(reference)")
    }

    /// The API path of a blob of this repository.
    public func blobPath(_ digest: Digest) -> String {
        path("blobs/\(digest)")
    }

    private func path(_ tail: String) -> String {
        "/v2/\(repository)/\(tail)" + (registry.map { "?ns=\($0)" } ?? "")
    }

    public var description: String {
        let separator = if case .digest = reference { "@" } else { ":" }
        return (registry.map { "\($0)/" } ?? "") + "\(repository)\(separator)\(reference)"
    }
}

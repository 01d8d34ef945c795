/// A request path of the distribution API, parsed before anything touches the store.
public enum RegistryRoute: Equatable, Sendable {
    /// `/v2/`: the API version check.
    case base
    /// `/v2/<name>/manifests/<reference>`
    case manifest(RepositoryName, Reference)
    /// `/v2/<name>/blobs/<digest>`
    case blob(RepositoryName, Digest)
    /// `/v2/<name>/tags/list`
    case tagsList(RepositoryName)
    /// `/v2/<name>/blobs/uploads/...`: the push side, which a mirror does not offer.
    case upload(RepositoryName)
    /// `/v2/_catalog`
    case catalog

    /// Parses a path such as `/v2/library/alpine/manifests/3.20`.
    /// - Returns: `nil` when the path is not part of the distribution API at all.
    /// - Throws: ``RegistryError`` when it is, but its name, tag or digest is malformed.
    public init?(path: some StringProtocol) throws(RegistryError) {
        var path = Substring(path)
        guard path.hasPrefix("/v2") else { return nil }
        path = path.dropFirst(3)
        if path.isEmpty || path == "/" {
            self = .base
            return
        }
        guard path.first == "/" else { return nil }
        path = path.dropFirst()
        if path.last == "/" { path = path.dropLast() }
        if path == "_catalog" {
            self = .catalog
            return
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let last = parts[parts.count - 1]
        let kind = parts[parts.count - 2]
        func name(upTo end: Int) throws(RegistryError) -> RepositoryName {
            try RepositoryName(parts[0..<end].joined(separator: "/"))
        }
        if kind == "blobs", last == "uploads" {
            self = .upload(try name(upTo: parts.count - 2))
            return
        }
        switch kind {
        case "manifests":
            let repository = try name(upTo: parts.count - 2)
            self = .manifest(repository, try Reference(parsing: last))
        case "blobs":
            let repository = try name(upTo: parts.count - 2)
            self = .blob(repository, try Digest(parsing: last))
        case "tags" where last == "list":
            self = .tagsList(try name(upTo: parts.count - 2))
        case "uploads" where parts.count >= 4 && parts[parts.count - 3] == "blobs":
            self = .upload(try name(upTo: parts.count - 3))
        default:
            return nil
        }
    }
}

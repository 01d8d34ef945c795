import HTTPTypes

/// Header names of the distribution API.
enum RegistryHeaders {
    static let apiVersion = HTTPField.Name("Docker-Distribution-API-Version")!
    static let contentDigest = HTTPField.Name("Docker-Content-Digest")!
    static let link = HTTPField.Name("Link")!
    /// Whether a manifest or blob came from the cache (`hit`), the upstream (`miss`), or the cache because the upstream failed (`stale`).
    static let cache = HTTPField.Name("X-Wharf-Cache")!
    static let apiVersionValue = "registry/2.0"
}

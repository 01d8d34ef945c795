import HTTPTypes

/// Header names of the distribution API.
enum RegistryHeaders {
    static let apiVersion = HTTPField.Name("Docker-Distribution-API-Version")!
    static let contentDigest = HTTPField.Name("Docker-Content-Digest")!
    static let link = HTTPField.Name("Link")!
    static let apiVersionValue = "registry/2.0"
}

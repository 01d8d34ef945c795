import HTTPTypes

/// Header names and values of the distribution API.
enum RegistryHeaders {
    static let apiVersion = name("Docker-Distribution-API-Version")
    static let contentDigest = name("Docker-Content-Digest")
    static let link = name("Link")
    /// Where a manifest or blob came from: a ``CacheAnswer``.
    static let cache = name("X-Wharf-Cache")
    static let apiVersionValue = "registry/2.0"

    /// The headers of a JSON answer of the API.
    static var json: HTTPFields {
        [.contentType: "application/json; charset=utf-8", apiVersion: apiVersionValue]
    }

    /// A header name written in this file; each is a valid token, checked by the tests.
    private static func name(_ text: String) -> HTTPField.Name {
        guard let name = HTTPField.Name(text) else { preconditionFailure("\(text) is not a valid header name") }
        return name
    }
}

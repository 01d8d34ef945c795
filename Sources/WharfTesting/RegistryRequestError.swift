/// A registry answered a ``RegistrySeeder`` request with an unexpected status.
public struct RegistryRequestError: Error, CustomStringConvertible, Sendable {
    /// The request's method.
    public let method: String
    /// The request's URL.
    public let url: String
    /// The status the registry answered with, e.g. 401.
    public let status: Int
    /// The start of the response body.
    public let body: String

    /// Creates the error.
    public init(method: String, url: String, status: Int, body: String) {
        self.method = method
        self.url = url
        self.status = status
        self.body = body
    }

    /// `"<method> <url> answered <status>: <body>"`.
    public var description: String {
        "\(method) \(url) answered \(status): \(body)"
    }
}

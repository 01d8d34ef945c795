import Foundation
import OutboundURL
import Registry

/// One upstream registry: where it is and how Wharf signs in to it.
public struct UpstreamConfiguration: Sendable, Equatable {
    /// `http` or `https`.
    public let scheme: String
    /// Host name or address, without port.
    public let host: String
    /// Explicit port, if the URL had one.
    public let port: Int?
    /// A path prefix of the URL (rarely used), without a trailing slash.
    public let pathPrefix: String
    /// The name clients know the registry by (`docker.io`, `ghcr.io`, ...).
    public let name: String
    /// Credentials for the upstream, if any.
    public let username: String?
    public let password: String?

    /// Docker Hub's API hosts; for them a one-component repository name means `library/<name>`.
    public static let dockerHubHosts: Set<String> = [
        "registry-1.docker.io", "docker.io", "index.docker.io", "registry.hub.docker.com",
    ]

    /// Parses `remoteurl` (e.g. `https://registry-1.docker.io`).
    /// - Throws: ``UpstreamError`` when the URL is not an absolute http(s) URL.
    public init(remoteURL: String, name: String? = nil, username: String? = nil, password: String? = nil) throws(UpstreamError) {
        guard let components = URLComponents(string: remoteURL), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw UpstreamError.invalidConfiguration("remote URL \"\(remoteURL)\" is not an absolute http:// or https:// URL")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil else {
            // Not repeated: it may hold a password.
            throw UpstreamError.invalidConfiguration("the remote URL must not carry credentials (use proxy.username and proxy.password), a query or a fragment")
        }
        if let problem = OutboundURL.problem(remoteURL) {
            throw UpstreamError.invalidConfiguration("remote URL \"\(remoteURL)\": \(problem)")
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = components.port
        var prefix = components.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.pathPrefix = prefix
        let hostName = host.lowercased()
        self.name = name ?? (Self.dockerHubHosts.contains(hostName) ? "docker.io" : hostName + (components.port.map { ":\($0)" } ?? ""))
        self.username = username
        self.password = password
    }

    /// Whether this upstream is Docker Hub.
    public var isDockerHub: Bool { Self.dockerHubHosts.contains(host) }

    /// `scheme://host[:port]`, the origin requests go to.
    public var origin: String {
        "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)\(port.map { ":\($0)" } ?? "")"
    }

    /// The repository name as the upstream knows it (`library/` added for Docker Hub).
    public func upstreamName(_ name: RepositoryName) -> RepositoryName {
        isDockerHub ? name.dockerHubNormalized : name
    }

    /// The URL of an API path below `/v2/`.
    public func url(_ apiPath: String) -> String {
        origin + pathPrefix + "/v2/" + apiPath
    }

    /// Whether credentials are configured.
    public var hasCredentials: Bool { username != nil && password != nil }
}

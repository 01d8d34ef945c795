import Foundation

/// The URLs of a bucket's objects: scheme, host and port from `regionendpoint` (or AWS's
/// regional host), the bucket in the path or in the host name.
public struct S3Endpoint: Sendable, Equatable {
    public let scheme: String
    /// The host requests go to (with the bucket in front for virtual-host style).
    public let host: String
    /// An explicit port, `nil` for the scheme's default.
    public let port: Int?
    /// The bucket's path prefix: `/bucket` for path style, empty for virtual-host style.
    public let bucketPath: String

    public init(_ settings: S3Settings) {
        var scheme = settings.secure ? "https" : "http"
        var authority = settings.endpoint ?? "s3.\(settings.region).amazonaws.com"
        if let range = authority.range(of: "://") {
            scheme = String(authority[..<range.lowerBound]).lowercased()
            authority = String(authority[range.upperBound...])
        }
        if let slash = authority.firstIndex(of: "/") { authority = String(authority[..<slash]) }
        var host = authority
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]"), let parsed = Int(authority[authority.index(after: colon)...]) {
            host = String(authority[..<colon])
            port = parsed
        }
        if settings.forcePathStyle {
            self.host = host
            self.bucketPath = "/" + URIEncoding.path(settings.bucket)
        } else {
            self.host = "\(settings.bucket).\(host)"
            self.bucketPath = ""
        }
        self.scheme = scheme
        self.port = port
    }

    /// The `Host` header: the host, with the port when it is not the scheme's default.
    public var hostHeader: String {
        guard let port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) else { return host }
        return "\(host):\(port)"
    }

    /// The encoded path of an object key (the bucket's own path for `nil`).
    public func path(forKey key: String?) -> String {
        guard let key else { return bucketPath.isEmpty ? "/" : bucketPath }
        return bucketPath + "/" + URIEncoding.path(key)
    }

    /// `scheme://host[:port]`.
    public var origin: String { "\(scheme)://\(hostHeader)" }
}

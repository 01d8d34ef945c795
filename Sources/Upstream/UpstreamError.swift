import Registry

/// A failure talking to an upstream registry.
public struct UpstreamError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure: decides the status the client sees.
    public enum Kind: Sendable, Equatable {
        /// The upstream does not have the object (404).
        case notFound
        /// The upstream refused our credentials or its token service failed.
        case unauthorized
        /// The upstream rate-limits us (429).
        case tooManyRequests
        /// 5xx, timeout, refused connection.
        case unavailable
        /// An answer Wharf cannot use (bad headers, too large, wrong digest).
        case badResponse
        /// The configuration cannot work.
        case invalidConfiguration
    }

    public let kind: Kind
    /// What happened; never contains credentials or tokens.
    public let message: String
    /// Seconds from the upstream's `Retry-After`, when it sent one.
    public let retryAfter: Int?

    public init(_ kind: Kind, _ message: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public static func invalidConfiguration(_ message: String) -> UpstreamError { .init(.invalidConfiguration, message) }

    public var description: String { message }

    /// The OCI error the client is given for this failure.
    public func registryError(notFound: RegistryError.Code) -> RegistryError {
        switch kind {
        case .notFound: RegistryError(notFound, message)
        case .unauthorized: RegistryError(.unauthorized, "upstream refused access: \(message)")
        case .tooManyRequests: RegistryError(.tooManyRequests, "upstream rate limit: \(message)", retryAfter: retryAfter ?? 60)
        case .unavailable: RegistryError(.upstreamUnavailable, "upstream unavailable: \(message)", retryAfter: retryAfter)
        case .badResponse, .invalidConfiguration: RegistryError(.badGateway, "upstream error: \(message)")
        }
    }
}

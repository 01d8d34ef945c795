import AsyncHTTPClient
import Logging
import NIOCore

/// The registry client for one upstream: token auth, credentials, redirects, error mapping.
///
/// Redirects are followed here, not by the HTTP client, so that `Authorization` is only
/// ever sent to the upstream's own origin (Docker Hub and ghcr.io redirect blobs to CDNs).
public final class UpstreamClient: Sendable {
    /// The upstream this client talks to.
    public let configuration: UpstreamConfiguration
    let http: HTTPClient
    let tokens = TokenCache()
    /// When the upstream last answered and last failed.
    public let health = UpstreamHealth()
    /// What the upstream says of its pull budget.
    public let budget: UpstreamBudget
    let logger: Logger
    let timeouts: UpstreamTimeouts

    /// How long a manifest or token request may take in all.
    static let shortRequestTimeout: TimeAmount = .seconds(30)
    /// A blob download's overall limit; stalls are caught by the client's read timeout.
    static let blobTimeout: TimeAmount = .hours(6)
    static let maximumRedirects = 5
    /// The largest manifest accepted from an upstream.
    static let maximumManifestBytes: Int64 = 4 * 1024 * 1024

    /// Creates a client for `configuration` that sends its requests through `http`, which
    /// should be configured with ``makeHTTPClientConfiguration(timeouts:)`` for the same `timeouts`.
    public init(configuration: UpstreamConfiguration, http: HTTPClient, timeouts: UpstreamTimeouts = .init(), logger: Logger) {
        self.configuration = configuration
        self.budget = UpstreamBudget(upstream: configuration.name)
        self.http = http
        self.timeouts = timeouts
        self.logger = logger
    }

    /// The shared HTTP client configuration: redirects off (followed here), bounded waits: the
    /// connect timeout, and the idle one between reads (the response timeout is ``perform``'s).
    public static func makeHTTPClientConfiguration(timeouts: UpstreamTimeouts = .init()) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(timeouts.connect), read: TimeAmount(timeouts.idle))
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        // A refused connection fails the request at once, so a cached answer is served without waiting.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }
}

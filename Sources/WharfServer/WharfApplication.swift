import AsyncHTTPClient
import Hummingbird
import Logging
import NIOFileSystem
import PullThrough
import ServiceLifecycle
import Storage
import Upstream
import UnixSignals

/// Wharf assembled: the store, the upstream client, the cache and the HTTP listener, run as
/// one ServiceGroup that shuts down gracefully on SIGTERM and SIGINT.
public struct WharfApplication: Sendable {
    public let configuration: WharfConfiguration
    public let logger: Logger

    public init(configuration: WharfConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a shutdown signal.
    public func run() async throws {
        let store = FilesystemStore(root: FilePath(configuration.storageRoot))
        let leftovers = try await store.prepare()
        if leftovers > 0 {
            logger.notice("removed leftovers of interrupted downloads", metadata: ["files": "\(leftovers)"])
        }
        let upstreamConfiguration: UpstreamConfiguration
        do {
            upstreamConfiguration = try UpstreamConfiguration(
                remoteURL: configuration.proxy.remoteURL,
                username: configuration.proxy.username,
                password: configuration.proxy.password
            )
        } catch {
            throw ConfigurationError(source: "configuration", key: "proxy.remoteurl", error.message)
        }
        let http = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: UpstreamClient.makeHTTPClientConfiguration(),
            backgroundActivityLogger: logger
        )
        do {
            try await serve(store: store, upstream: upstreamConfiguration, http: http)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func serve(store: FilesystemStore, upstream: UpstreamConfiguration, http: HTTPClient) async throws {
        let downloads = DownloadService()
        let cache = PullThroughCache(store: store, downloads: downloads, logger: logger)
        let target = UpstreamTarget(client: UpstreamClient(configuration: upstream, http: http, logger: logger))
        let handler = RegistryHandler(cache: cache, upstream: target, logger: logger)
        let application = Application(
            responder: handler,
            configuration: .init(address: .hostname(configuration.http.host, port: configuration.http.port), serverName: nil),
            logger: logger
        )
        logger.notice(
            "wharf serving",
            metadata: [
                "address": "\(configuration.http.host):\(configuration.http.port)",
                "upstream": "\(upstream.origin)",
                "storage": "\(configuration.storageRoot)",
            ]
        )
        logger.warning("serving plain HTTP: credentials and content cross the network in clear")
        let group = ServiceGroup(
            configuration: .init(
                services: [downloads, application],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

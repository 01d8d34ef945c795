import ACME
import AsyncHTTPClient
import Certificates
import FileIO
import HtpasswdAuth
import Hummingbird
import Foundation
import Logging
import Metrics
import Prometheus
import NIOFileSystem
import PullThrough
import Registry
import ServiceLifecycle
import Storage
import UnixSignals
import Upstream

/// Wharf assembled: the store, the upstream clients, the cache and the HTTP listeners, run
/// as one ServiceGroup that shuts down gracefully on SIGTERM and SIGINT.
public struct WharfApplication: Sendable {
    public let configuration: WharfConfiguration
    public let logger: Logger
    /// Where every metric is collected; `/metrics` renders it.
    let metrics = PrometheusCollectorRegistry()

    public init(configuration: WharfConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a shutdown signal. Call once per process (it bootstraps the metrics system).
    public func run() async throws {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
        try await configuration.withStore(logger: logger) { store in
            try await run(store: store)
        }
    }

    private func run(store: any ContentStore) async throws {
        let leftovers = try await configuration.prepare(store)
        if leftovers > 0 {
            logger.notice("removed leftovers of interrupted downloads", metadata: ["files": "\(leftovers)"])
        }
        let http = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: UpstreamClient.makeHTTPClientConfiguration(timeouts: configuration.proxy.timeouts),
            backgroundActivityLogger: logger
        )
        do {
            let upstreams = try UpstreamTableBuilder.build(configuration.proxy, origins: configuration.origins, http: http, logger: logger)
            try await serveWithCertificateState(store: store, upstreams: upstreams)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// How often every upstream's `/v2/` is asked whether it answers.
    static let probeInterval: Duration = .seconds(30)
    /// How long ago an upstream's last answer may be for `/readyz` to count it reachable:
    /// two missed probes, plus the probe's own timeout.
    static let reachabilityWindow: TimeInterval = 2 * 30 + 5

    /// The Service keeping `proxy.warm` fresh, once per tagttl; none without images.
    private func warmService(cache: PullThroughCache, upstreams: UpstreamTable) throws(ConfigurationError) -> [any Service] {
        guard !configuration.proxy.warm.isEmpty else { return [] }
        var items: [WarmService.Item] = []
        for (index, image) in configuration.proxy.warm.enumerated() {
            switch upstreams.select(namespace: image.registry, path: "/v2/") {
            case .upstream(let upstream, _): items.append(.init(image: image, upstream: upstream))
            case .unknownNamespace(let host): throw configuration.origins.error("proxy.warm[\(index)]", "no upstream is configured for registry \(host)")
            }
        }
        return [WarmService(cache: cache, items: items, interval: configuration.proxy.tagTTL, platform: ImagePlatform.host, logger: logger)]
    }

    /// ``serve(store:upstreams:certificateState:)`` with the ACME state open, when there is ACME.
    private func serveWithCertificateState(store: any ContentStore, upstreams: UpstreamTable) async throws {
        guard let acme = configuration.acme else { return try await serve(store: store, upstreams: upstreams, certificateState: nil) }
        try await configuration.withCertificateState(acme) { state in
            try await serve(store: store, upstreams: upstreams, certificateState: state)
        }
    }

    private func serve(store: any ContentStore, upstreams: UpstreamTable, certificateState: OpenedCertificateState?) async throws {
        let downloads = DownloadService()
        let sweeper = StoreSweeperService(sweeper: configuration.makeStoreSweeper(store), logger: logger)
        let cache = PullThroughCache(
            store: store,
            downloads: downloads,
            policy: CachePolicy(tagTTL: configuration.proxy.tagTTL, budgetReserve: configuration.proxy.rateLimitReserve),
            sweeper: sweeper,
            logger: logger
        )
        var authServices: [any Service] = []
        var authenticator: HtpasswdAuthenticator?
        if let htpasswd = configuration.htpasswd {
            do {
                let settings = HtpasswdAuth.HtpasswdSettings(failureLimit: htpasswd.failureLimit, failureWindow: htpasswd.failureWindow)
                let loaded = try await HtpasswdAuthenticator(path: htpasswd.path, realm: htpasswd.realm, settings: settings, logger: logger)
                authServices.append(loaded.watcher)
                authenticator = loaded
            } catch {
                throw configuration.origins.error("auth.htpasswd.path", "\(error)")
            }
        }
        var certificateGate: ClientCertificateGate?
        if let clientCertificates = configuration.clientCertificates {
            var revocations: ClientCertificateRevocations?
            if let path = clientCertificates.revoked {
                do {
                    revocations = try await ClientCertificateRevocations(path: path, logger: logger)
                } catch {
                    throw configuration.origins.error("auth.clientcert.revoked", "\(error)")
                }
                authServices.append(RevocationListWatcher(revocations: revocations!))
            }
            certificateGate = ClientCertificateGate(revocations: revocations)
        }
        if authenticator == nil, certificateGate == nil {
            logger.warning("no auth.htpasswd nor auth.clientcert: every client that reaches this mirror may pull through it")
        }
        let tokens = HTTP01TokenTable()
        // The API listener and the plain one, when there is one: what a validator may dial.
        let readiness = ListenerReadiness(expected: configuration.http.plainListener == nil ? 1 : 2)
        var tls: TLSSetup?
        if let settings = configuration.http.tls {
            tls = try await TLSSetup.make(settings, http: configuration.http, origins: configuration.origins, stateFolder: configuration.stateFolder, tokens: tokens,
                optionalClientCAs: configuration.clientCertificates?.cas ?? [], certificateState: certificateState, listeners: readiness, logger: logger)
        }
        let warmer = try warmService(cache: cache, upstreams: upstreams)
        let activity = ServerActivity()
        let prober = UpstreamProbeService(upstreams: upstreams.all, interval: Self.probeInterval, logger: logger)
        let status = StatusSources(
            startedAt: Date(),
            upstreams: upstreams.all,
            reachabilityWindow: Self.reachabilityWindow,
            activity: activity,
            sweeper: sweeper,
            store: store,
            certificates: tls?.provider
        )
        let operations = OperationsEndpoints(registry: metrics, status: status)
        let registry = RegistryResponder(
            upstreams: upstreams,
            manifests: ManifestResponder(cache: cache),
            // Under TLS bytes are encrypted in memory, so no pipeline there has a DirectBodyHandler.
            blobs: BlobResponder(cache: cache, sendsFiles: tls == nil),
            tags: TagListResponder(cache: cache)
        )
        let router = APIRouter.make(
            registry: registry,
            authentication: authenticator == nil && certificateGate == nil && configuration.trustedNetworks.isEmpty
                ? nil
                : AuthenticationMiddleware(authenticator: authenticator, certificates: certificateGate, trustedNetworks: configuration.trustedNetworks),
            operations: configuration.http.debugListener == nil ? operations : nil,
            accounting: RequestAccountingMiddleware(metrics: RequestMetrics(), activity: activity, logger: logger)
        )
        let listeners = try Listeners.make(
            configuration: configuration,
            responder: router.buildResponder(),
            tls: tls,
            operations: operations,
            tokens: tokens,
            readiness: readiness,
            logger: logger
        )
        logger.notice(
            "wharf serving",
            metadata: [
                "address": "\(configuration.http.host):\(configuration.http.port)",
                "upstreams": "\(upstreams.all.map { "\($0.client.configuration.name)=\($0.client.configuration.origin)" }.joined(separator: ", "))",
                "storage": "\(store.location)",
            ]
        )
        // SIGTERM/SIGINT: stop accepting and let running responses finish, for 30 s at most;
        // a second signal during that time cancels everything at once.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [SecondSignalWatchdog(logger: logger), downloads, sweeper, prober] + store.services + authServices + warmer + listeners.services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(30)
        groupConfiguration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: groupConfiguration)
        try await group.run()
    }
}

extension WharfConfiguration {
    /// The eviction pass `proxy.ttl`, `storage.maxsize` and `storage.minfree` ask for, over `store`.
    public func makeStoreSweeper(_ store: any ContentStore) -> StoreSweeper {
        let root = storageRoot
        return StoreSweeper(
            store: store,
            plan: EvictionPlan(ttl: proxy.ttl.map { Double($0.components.seconds) }, maxSize: storageMaxSize, minFree: storageMinFree),
            freeSpace: { await VolumeSpace.freeBytes(at: root) }
        )
    }
}

import AsyncHTTPClient
import Logging
import PullThrough
import Upstream

/// Makes the upstream table from `proxy.*`.
enum UpstreamTableBuilder {
    static func build(
        _ proxy: WharfConfiguration.ProxySettings,
        origins: ConfigurationOrigins,
        http: HTTPClient,
        logger: Logger
    ) throws(ConfigurationError) -> UpstreamTable {
        func target(
            _ url: String, name: String?, username: String?, password: String?, repositories: RepositoryPolicy, key: String
        ) throws(ConfigurationError) -> UpstreamTarget {
            do {
                let configuration = try UpstreamConfiguration(remoteURL: url, name: name, username: username, password: password)
                return UpstreamTarget(client: UpstreamClient(configuration: configuration, http: http, timeouts: proxy.timeouts, logger: logger), repositories: repositories)
            } catch {
                throw origins.error(key, error.message)
            }
        }
        let defaultTarget = try target(proxy.remoteURL, name: proxy.name, username: proxy.username, password: proxy.password, repositories: proxy.repositories, key: "proxy.remoteurl")
        var others: [UpstreamTarget] = []
        for (index, upstream) in proxy.upstreams.enumerated() {
            guard upstream.name != defaultTarget.client.configuration.name else {
                throw origins.error("proxy.upstreams[\(index)].name", "\(upstream.name) is already the default upstream's name (proxy.remoteurl)")
            }
            others.append(
                try target(upstream.remoteURL, name: upstream.name, username: upstream.username, password: upstream.password, repositories: upstream.repositories,
                    key: "proxy.upstreams[\(index)].remoteurl")
            )
        }
        return UpstreamTable(defaultUpstream: defaultTarget, others: others)
    }
}

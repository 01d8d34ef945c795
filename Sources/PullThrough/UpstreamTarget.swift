import Storage
import Upstream

/// An upstream as the cache sees it: the client to fetch with, the key its content is stored
/// under, and what may be pulled through it.
public struct UpstreamTarget: Sendable {
    public let client: UpstreamClient
    public let key: UpstreamKey
    /// The repository policy (`repositories` of this upstream's configuration).
    public let repositories: RepositoryPolicy

    public init(client: UpstreamClient, repositories: RepositoryPolicy = .init()) {
        self.client = client
        self.key = UpstreamKey(host: client.configuration.name)
        self.repositories = repositories
    }
}

import Storage
import Upstream

/// An upstream as the cache sees it: the client to fetch with and the key its content is stored under.
public struct UpstreamTarget: Sendable {
    public let client: UpstreamClient
    public let key: UpstreamKey

    public init(client: UpstreamClient) {
        self.client = client
        self.key = UpstreamKey(host: client.configuration.name)
    }
}

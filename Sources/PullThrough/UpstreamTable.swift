import Registry
import Storage
import Upstream

/// The configured upstreams and how a request picks one.
///
/// In order: containerd's `?ns=<host>`, a first path component equal to an upstream's name
/// (`/v2/ghcr.io/org/app/...`), otherwise the default upstream. With only the default
/// configured, `ns` is ignored, as distribution does; with several, an `ns` naming none of
/// them is refused, so content is never fetched from, or served under, another registry's name.
public struct UpstreamTable: Sendable {
    /// The upstream used when a request names none.
    public let defaultUpstream: UpstreamTarget
    private let byName: [String: UpstreamTarget]

    /// What a request resolved to.
    public enum Selection: Sendable {
        /// The upstream, and the request path with any upstream prefix removed.
        case upstream(UpstreamTarget, path: String)
        /// `ns` named no configured upstream.
        case unknownNamespace(String)
    }

    public init(defaultUpstream: UpstreamTarget, others: [UpstreamTarget]) {
        self.defaultUpstream = defaultUpstream
        var byName: [String: UpstreamTarget] = [:]
        for target in [defaultUpstream] + others {
            byName[target.client.configuration.name.lowercased()] = target
        }
        self.byName = byName
    }

    /// Whether more than the default upstream is configured.
    public var hasSeveral: Bool { byName.count > 1 }

    /// All upstreams, the default first.
    public var all: [UpstreamTarget] {
        [defaultUpstream] + byName.values.filter { $0.key != defaultUpstream.key }.sorted { $0.key.value < $1.key.value }
    }

    /// Picks the upstream for a request.
    /// - Parameters:
    ///   - namespace: the `ns` query parameter, if any.
    ///   - path: the request path, starting `/v2/`.
    public func select(namespace: String?, path: String) -> Selection {
        if let (target, rest) = prefixed(path) {
            return .upstream(target, path: rest)
        }
        if let namespace, hasSeveral {
            guard let target = byName[Self.normalized(namespace)] else { return .unknownNamespace(namespace) }
            return .upstream(target, path: path)
        }
        return .upstream(defaultUpstream, path: path)
    }

    /// `/v2/<upstream name>/<rest>` -> the upstream and `/v2/<rest>`.
    private func prefixed(_ path: String) -> (UpstreamTarget, String)? {
        guard path.hasPrefix("/v2/") else { return nil }
        let rest = path.dropFirst(4)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let first = rest[..<slash].lowercased()
        guard let target = byName[Self.normalized(first)] else { return nil }
        let remainder = rest[rest.index(after: slash)...]
        guard remainder.contains("/") else { return nil }
        return (target, "/v2/" + remainder)
    }

    /// Docker Hub goes by several names; containerd sends `docker.io`.
    static func normalized(_ namespace: String) -> String {
        let lowered = namespace.lowercased()
        return ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"].contains(lowered) ? "docker.io" : lowered
    }
}

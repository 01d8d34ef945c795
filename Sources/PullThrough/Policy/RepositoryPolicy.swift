import Registry

/// What may be pulled through one upstream (`repositories` on `proxy` or on an entry of
/// `proxy.upstreams`): pure decisions, tested without a server.
///
/// A request is refused when a `deny` pattern matches (deny wins), or when `allow` lists
/// patterns and none matches. A `deny` pattern with a tag (`**:latest`) refuses only
/// manifests by that tag. A tag matching a `pinned` pattern is never revalidated once cached.
public struct RepositoryPolicy: Sendable, Equatable {
    /// Repositories that may be pulled; empty admits every repository.
    public var allow: [RepositoryPattern]
    /// Repositories, or `REPOSITORY:TAG`, refused even when allowed.
    public var deny: [RepositoryPattern]
    /// `REPOSITORY:TAG` patterns whose tags, once cached, are answered from the cache forever.
    public var pinned: [RepositoryPattern]
    /// Where the policy is configured (`proxy.repositories`), for messages naming the rule.
    public var key: String

    /// The answer for one request.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused: `rule` names the configuration that refused it, `reason` is a bounded
        /// metric label (`deny`, `deny_tag` or `not_allowed`).
        case refused(rule: String, reason: String)
    }

    /// A policy that admits everything and pins nothing.
    public init(allow: [RepositoryPattern] = [], deny: [RepositoryPattern] = [], pinned: [RepositoryPattern] = [], key: String = "proxy.repositories") {
        self.allow = allow
        self.deny = deny
        self.pinned = pinned
        self.key = key
    }

    /// Whether the policy admits every request, so that nothing needs deciding.
    public var admitsEverything: Bool { allow.isEmpty && deny.isEmpty }

    /// Whether a request for `name` (with `tag` for a manifest by tag) may be served.
    public func decide(_ name: RepositoryName, tag: String? = nil) -> Decision {
        if let rule = deny.first(where: { $0.matches(name, tag: tag) }) {
            return .refused(rule: "\(key).deny \"\(rule.text)\"", reason: rule.namesTags ? "deny_tag" : "deny")
        }
        if !allow.isEmpty, !allow.contains(where: { $0.matches(name) }) {
            return .refused(rule: "\(key).allow (no pattern matches)", reason: "not_allowed")
        }
        return .allowed
    }

    /// Policies are equal when their lists are; where they are configured is not compared.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.allow == rhs.allow && lhs.deny == rhs.deny && lhs.pinned == rhs.pinned
    }

    /// Whether a cached `name:tag` is served without revalidation, however old.
    public func isPinned(_ name: RepositoryName, tag: String) -> Bool {
        pinned.contains { $0.matches(name, tag: tag) }
    }
}

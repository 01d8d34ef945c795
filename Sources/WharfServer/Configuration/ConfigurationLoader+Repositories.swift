import PullThrough

/// `repositories` on `proxy` and on each entry of `proxy.upstreams`: allow, deny and pinned
/// pattern lists (``RepositoryPattern``).
extension ConfigurationLoader {
    static let repositoryPolicyKeys = ["allow", "deny", "pinned"]

    /// The policy at `key` (`repositories` below `reader`'s section); an open one when absent.
    static func repositoryPolicy(_ reader: TreeReader, key: String, name: String) throws(ConfigurationError) -> RepositoryPolicy {
        guard let value = reader.value(key) else { return RepositoryPolicy(key: name) }
        guard let section = value as? [String: Any] else { throw reader.error(key, "must be a section with allow, deny and pinned lists") }
        for field in section.keys.sorted() where !repositoryPolicyKeys.contains(field) {
            throw reader.error("\(key).\(field)", "unknown key (allow, deny, pinned are known)")
        }
        let allow = try patterns(reader, "\(key).allow")
        if let tagged = allow.firstIndex(where: \.namesTags) {
            throw reader.error("\(key).allow[\(tagged)]", "allow names repositories, not tags; refuse tags with deny (e.g. \"**:latest\")")
        }
        let pinned = try patterns(reader, "\(key).pinned")
        if let untagged = pinned.firstIndex(where: { !$0.namesTags }) {
            throw reader.error("\(key).pinned[\(untagged)]", "a pinned pattern names tags: REPOSITORY:TAG, e.g. \"myorg/base:v1*\"")
        }
        return RepositoryPolicy(allow: allow, deny: try patterns(reader, "\(key).deny"), pinned: pinned, key: name)
    }

    private static func patterns(_ reader: TreeReader, _ key: String) throws(ConfigurationError) -> [RepositoryPattern] {
        guard let value = reader.value(key) else { return [] }
        let items: [Any] = (value as? [Any]) ?? [value]
        var result: [RepositoryPattern] = []
        for (index, item) in items.enumerated() {
            let itemKey = value is [Any] ? "\(key)[\(index)]" : key
            guard let text = item as? String else { throw reader.error(itemKey, "must be a pattern such as library/*, myorg/** or an exact name") }
            do {
                result.append(try RepositoryPattern(text))
            } catch {
                throw reader.error(itemKey, error.message)
            }
        }
        return result
    }
}

import Foundation

/// Typed access to the parsed YAML tree by dotted path; its errors point at the value's origin.
struct TreeReader {
    let tree: [String: Any]
    let origins: ConfigurationOrigins
    /// Where ``tree`` sits in the whole configuration (`proxy.upstreams[0]`); empty for the root.
    var prefix = ""

    /// A reader of `tree`, the section at `path` of this one.
    func child(_ path: String, tree: [String: Any]) -> TreeReader {
        TreeReader(tree: tree, origins: origins, prefix: fullPath(path))
    }

    func value(_ path: String) -> Any? {
        var node: Any? = tree
        for key in path.split(separator: ".") {
            node = (node as? [String: Any])?[String(key)]
        }
        if node is NSNull { return nil }
        return node
    }

    func string(_ path: String) throws(ConfigurationError) -> String? {
        switch value(path) {
        case nil: return nil
        case let text as String: return text
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        case let flag as Bool: return String(flag)
        default: throw error(path, "must be a single value, not a list or section")
        }
    }

    func bool(_ path: String) throws(ConfigurationError) -> Bool? {
        switch value(path) {
        case nil: return nil
        case let flag as Bool: return flag
        case let text as String where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw error(path, "must be true or false")
        }
    }

    /// A list of strings (a single string is taken as a list of one).
    func strings(_ path: String) throws(ConfigurationError) -> [String]? {
        switch value(path) {
        case nil: return nil
        case let text as String: return [text]
        case let list as [Any]:
            var result: [String] = []
            for item in list {
                guard let text = item as? String else { throw error(path, "must be a list of file paths") }
                result.append(text)
            }
            return result
        default: throw error(path, "must be a list of file paths")
        }
    }

    /// The error about the value at `path` (relative to ``prefix``), at its line in the file.
    func error(_ path: String, _ message: String) -> ConfigurationError {
        origins.error(fullPath(path), message)
    }

    private func fullPath(_ path: String) -> String {
        prefix.isEmpty ? path : "\(prefix).\(path)"
    }
}

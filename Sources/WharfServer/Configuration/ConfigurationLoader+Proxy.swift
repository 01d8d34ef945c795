import Foundation
import PullThrough
import Registry
import Upstream

/// `proxy.upstreams` and the units distribution writes durations and sizes in.
extension ConfigurationLoader {
    /// `proxy.upstreams`: a list of `{name, remoteurl, username, password}`.
    static func upstreams(_ reader: TreeReader) throws(ConfigurationError) -> [WharfConfiguration.UpstreamSettings] {
        guard let value = reader.value("proxy.upstreams") else { return [] }
        guard let list = value as? [Any] else { throw reader.error("proxy.upstreams", "must be a list of {name, remoteurl}") }
        var result: [WharfConfiguration.UpstreamSettings] = []
        var names: Set<String> = []
        for (index, item) in list.enumerated() {
            let key = "proxy.upstreams[\(index)]"
            guard let entry = item as? [String: Any] else { throw reader.error(key, "must be a section with name and remoteurl") }
            for field in entry.keys where !["name", "remoteurl", "username", "password", "repositories"].contains(field) {
                throw reader.error("\(key).\(field)", "unknown key (name, remoteurl, username, password, repositories are known)")
            }
            let entryReader = reader.child(key, tree: entry)
            guard let name = try entryReader.string("name")?.lowercased(), !name.isEmpty else {
                throw reader.error("\(key).name", "every upstream needs the registry host clients know it by, e.g. ghcr.io")
            }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" }) else {
                throw reader.error("\(key).name", "\"\(name)\" is not a registry host name")
            }
            guard let url = try entryReader.string("remoteurl") else { throw reader.error("\(key).remoteurl", "missing") }
            try checkRemoteURL(url, key: "\(key).remoteurl", reader: reader)
            guard names.insert(name).inserted else { throw reader.error("\(key).name", "\(name) is listed twice") }
            let username = try entryReader.string("username")
            let password = try entryReader.string("password")
            if (username == nil) != (password == nil) { throw reader.error("\(key).username", "username and password go together") }
            let repositories = try repositoryPolicy(entryReader, key: "repositories", name: "\(key).repositories")
            result.append(.init(name: name, remoteURL: url, username: username, password: password, repositories: repositories))
        }
        return result
    }

    /// Refuses a remote URL the upstream client could not use (the same checks it makes at start).
    static func checkRemoteURL(_ url: String, key: String, reader: TreeReader) throws(ConfigurationError) {
        do {
            _ = try UpstreamConfiguration(remoteURL: url)
        } catch {
            throw reader.error(key, error.message)
        }
    }

    /// `10%` (a share of the upstream's limit) or `20` (pulls); `0` never spares the budget.
    static func budgetReserve(_ text: String, key: String, reader: TreeReader) throws(ConfigurationError) -> CachePolicy.BudgetReserve {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            guard let percent = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)), (0...100).contains(percent) else {
                throw reader.error(key, "\"\(text)\" is not a share from 0% to 100%")
            }
            return .share(percent / 100)
        }
        guard let pulls = Int(trimmed), pulls >= 0 else {
            throw reader.error(key, "\"\(text)\" is neither a share such as 10% nor a number of pulls such as 20")
        }
        return .pulls(pulls)
    }

    /// `proxy.warm`: image references, `[HOST/]REPOSITORY[:TAG|@DIGEST]`.
    static func warmImages(_ reader: TreeReader) throws(ConfigurationError) -> [ImageReference] {
        guard let value = reader.value("proxy.warm") else { return [] }
        guard let list = value as? [Any] else { throw reader.error("proxy.warm", "must be a list of images such as library/node:22") }
        var images: [ImageReference] = []
        for (index, item) in list.enumerated() {
            guard let text = item as? String else { throw reader.error("proxy.warm[\(index)]", "must be an image such as library/node:22") }
            do {
                images.append(try ImageReference(parsing: text))
            } catch {
                throw reader.error("proxy.warm[\(index)]", "\"\(text)\" is not an image reference: \(error.message)")
            }
        }
        return images
    }

    /// Go-style durations as distribution writes them: `168h`, `1m`, `90s`, `1h30m`, `500ms`.
    static func duration(_ text: String, key: String, reader: TreeReader) throws(ConfigurationError) -> Duration {
        var total = 0.0
        var number = ""
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { throw reader.error(key, "is empty") }
        if rest == "0" { return .zero }
        while let character = rest.first {
            if character.isNumber || character == "." {
                number.append(character)
                rest.removeFirst()
                continue
            }
            let unit = String(rest.prefix(while: { $0.isLetter }))
            rest.removeFirst(unit.count)
            let factor: Double? = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400][unit]
            guard let factor, let value = Double(number) else {
                throw reader.error(key, "\"\(text)\" is not a duration such as 90s, 10m or 168h")
            }
            total += value * factor
            number = ""
        }
        guard number.isEmpty else { throw reader.error(key, "\"\(text)\" needs a unit: s, m or h") }
        // Go's time.ParseDuration, which distribution uses, stops at 2^63-1 ns (about 292 years).
        guard total * 1e9 < Double(Int64.max) else { throw reader.error(key, "\"\(text)\" is longer than a duration can be (about 292 years)") }
        return .milliseconds(Int64(total * 1000))
    }

    /// Sizes: `50GiB`, `500MB`, `1T`, or a number of bytes.
    static func byteSize(_ text: String, key: String, reader: TreeReader) throws(ConfigurationError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix(while: { $0.isNumber || $0 == "." })
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let factors: [String: Double] = [
            "": 1, "b": 1, "k": 1e3, "kb": 1e3, "kib": 1024, "m": 1e6, "mb": 1e6, "mib": 1_048_576,
            "g": 1e9, "gb": 1e9, "gib": 1_073_741_824, "t": 1e12, "tb": 1e12, "tib": 1_099_511_627_776,
        ]
        guard let value = Double(digits), let factor = factors[unit], value * factor >= 1 else {  // not 0 once truncated
            throw reader.error(key, "\"\(text)\" is not a size such as 50GiB or 500MB")
        }
        guard value * factor < Double(Int64.max) else { throw reader.error(key, "\"\(text)\" is larger than a size can be (8 EiB)") }
        return Int64(value * factor)
    }

}

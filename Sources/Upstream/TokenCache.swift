import Foundation

/// Authorization header values obtained from an upstream, by scope, until they expire.
actor TokenCache {
    private struct Entry {
        let header: String
        let expires: Date
    }

    private var entries: [String: Entry] = [:]
    /// A Basic credential, once the upstream asked for one; it applies to every scope.
    private var basic: String?

    func authorization(for scope: String, now: Date = Date()) -> String? {
        if let entry = entries[scope], entry.expires > now { return entry.header }
        entries[scope] = nil
        return basic
    }

    func store(_ header: String, scope: String, lifetime: TimeInterval, now: Date = Date()) {
        // Renew a little early so a token does not expire between our check and the upstream's.
        entries[scope] = Entry(header: header, expires: now.addingTimeInterval(max(1, lifetime - 5)))
    }

    func storeBasic(_ header: String) {
        basic = header
    }
}

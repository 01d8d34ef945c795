import Metrics
import Synchronization
import WharfMetrics

/// Pulls, bytes served and cache hits per repository and per client identity, for the status
/// page's top 20 and for metrics whose labels stay bounded: the top ``shown`` by name, the
/// rest summed under ``otherLabel``.
final class ImageStatistics: Sendable {
    /// What was served for one repository or client.
    struct Counts: Sendable, Equatable {
        /// Manifests served (a `docker pull` of one platform asks for one or two).
        var pulls = 0
        /// Body bytes of manifests and blobs served.
        var bytes: Int64 = 0
        /// Answers from the cache (`hit` or `stale`).
        var hits = 0
        /// Answers fetched upstream.
        var misses = 0

        /// Hits as a share of answers; `nil` before the first.
        var hitRatio: Double? { hits + misses == 0 ? nil : Double(hits) / Double(hits + misses) }

        mutating func add(_ other: Counts) {
            pulls += other.pulls
            bytes += other.bytes
            hits += other.hits
            misses += other.misses
        }
    }

    /// One row of a top list.
    struct Row: Sendable, Equatable {
        var name: String
        var counts: Counts
    }

    /// A top list and what the rest add up to.
    struct Ranking: Sendable, Equatable {
        var top: [Row]
        var other: Counts?
    }

    /// Rows shown on the status page and labelled in metrics.
    static let shown = 20
    /// Names tracked one by one; past this, new names count under ``otherLabel`` so memory stays bounded.
    static let tracked = 10_000
    /// The label of everything outside the top list; no repository name or htpasswd user it
    /// could be mistaken for has parentheses.
    static let otherLabel = "(other)"
    /// The client identity of requests without a signed-in user.
    static let anonymous = "(anonymous)"

    private struct State {
        var repositories: [String: Counts] = [:]
        var clients: [String: Counts] = [:]
    }

    /// Held by every request for an addition only; ranking works on a copy of the tables taken
    /// under it (copy on write), so a scrape never sorts thousands of names while requests wait.
    private let state = Mutex(State())
    /// Label values with a gauge now, per metric kind, so one that leaves the top list is removed;
    /// held while gauges are published, so that two scrapes at once publish one after the other.
    private let exported = Mutex([String: Set<String>]())

    /// Counts one answered manifest or blob request.
    /// - Parameters:
    ///   - isManifest: a manifest (a pull) rather than a blob.
    ///   - bytes: the body bytes sent, when a GET sent one.
    ///   - cache: where the answer came from (`X-Wharf-Cache`).
    func record(repository: String, client: String?, isManifest: Bool, bytes: Int64?, cache: CacheAnswer?) {
        var counts = Counts()
        if isManifest { counts.pulls = 1 }
        counts.bytes = bytes ?? 0
        switch cache?.isFromCache {
        case true: counts.hits = 1
        case false: counts.misses = 1
        case nil: break
        }
        state.withLock { state in
            Self.add(counts, to: repository, in: &state.repositories)
            Self.add(counts, to: client ?? Self.anonymous, in: &state.clients)
        }
    }

    private static func add(_ counts: Counts, to name: String, in table: inout [String: Counts]) {
        let key = table[name] != nil || table.count < tracked ? name : otherLabel
        table[key, default: Counts()].add(counts)
    }

    /// The repositories with the most pulls (then bytes), and the rest.
    var repositories: Ranking { Self.rank(state.withLock { $0.repositories }) }

    /// The client identities with the most pulls (then bytes), and the rest.
    var clients: Ranking { Self.rank(state.withLock { $0.clients }) }

    static func rank(_ table: [String: Counts], limit: Int = shown) -> Ranking {
        let named = table.filter { $0.key != otherLabel }.map { Row(name: $0.key, counts: $0.value) }
        let sorted = named.sorted {
            ($0.counts.pulls, $0.counts.bytes, $1.name) > ($1.counts.pulls, $1.counts.bytes, $0.name)
        }
        var other = table[otherLabel]
        for row in sorted.dropFirst(limit) {
            if other == nil { other = Counts() }
            other?.add(row.counts)
        }
        return Ranking(top: Array(sorted.prefix(limit)), other: other)
    }

    /// Sets the per-repository and per-client gauges to the current top lists (called before
    /// `/metrics` is rendered); a name that left its top list loses its series.
    func publishMetrics() {
        let tables = state.withLock { $0 }
        exported.withLock { exported in
            publish(Self.rank(tables.repositories), label: WharfMetric.Label.repository, metrics: Self.repositoryMetrics, exported: &exported)
            publish(Self.rank(tables.clients), label: WharfMetric.Label.client, metrics: Self.clientMetrics, exported: &exported)
        }
    }

    private static let repositoryMetrics = (WharfMetric.repositoryPulls, WharfMetric.repositoryBytesServed, WharfMetric.repositoryHitRatio)
    private static let clientMetrics = (WharfMetric.clientPulls, WharfMetric.clientBytesServed, WharfMetric.clientHitRatio)

    private func publish(_ ranking: Ranking, label: String, metrics: (WharfMetric, WharfMetric, WharfMetric), exported: inout [String: Set<String>]) {
        var rows = ranking.top
        if let other = ranking.other { rows.append(Row(name: Self.otherLabel, counts: other)) }
        let names = Set(rows.map(\.name))
        for gone in exported[label, default: []].subtracting(names) {
            for metric in [metrics.0, metrics.1, metrics.2] { Gauge(label: metric.name, dimensions: [(label, gone)]).destroy() }
        }
        exported[label] = names
        for row in rows {
            let dimensions = [(label, row.name)]
            Gauge(label: metrics.0.name, dimensions: dimensions).record(row.counts.pulls)
            Gauge(label: metrics.1.name, dimensions: dimensions).record(row.counts.bytes)
            if let ratio = row.counts.hitRatio { Gauge(label: metrics.2.name, dimensions: dimensions).record(ratio) }
        }
    }
}

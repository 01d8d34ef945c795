import Registry
import Storage
import Synchronization

/// Tag records held in memory, so a fresh tag is answered without reading the disk.
final class TagRecordCache: Sendable {
    private let records = Mutex<[String: TagRecord]>([:])
    /// Bounds memory on mirrors with very many tags; the disk keeps everything.
    static let capacity = 50_000

    static func key(_ upstream: UpstreamKey, _ name: RepositoryName, _ tag: Tag) -> String {
        "\(upstream.value)/\(name.value):\(tag.value)"
    }

    func record(for key: String) -> TagRecord? {
        records.withLock { $0[key] }
    }

    func store(_ record: TagRecord, for key: String) {
        records.withLock { records in
            if records.count >= Self.capacity, records[key] == nil { records.removeAll(keepingCapacity: true) }
            records[key] = record
        }
    }
}

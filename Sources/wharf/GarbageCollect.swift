import ArgumentParser
import Foundation
import Logging
import Storage
import WharfServer

/// `wharf gc`: one eviction pass by `proxy.ttl` and `storage.maxsize`, as the background sweeper does.
struct GarbageCollect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove cached content past proxy.ttl or beyond storage.maxsize, least recently used first."
    )

    @Option(name: .shortAndLong, help: "The configuration file Wharf serves with.")
    var config: String?

    @Flag(help: "Report what would be removed; remove nothing.")
    var dryRun = false

    func run() async throws {
        let loaded = try loadConfiguration(config)
        try await loaded.configuration.withStore(logger: Logger(label: "wharf.gc")) { store in
            try await collect(loaded.configuration, store)
        }
    }

    private func collect(_ configuration: WharfConfiguration, _ store: any ContentStore) async throws {
        if let bucket = store as? S3Store, !dryRun {
            // Uploads a crashed instance left behind (older than a day: longer than any download runs).
            let aborted = try await bucket.abortAbandonedUploads(olderThan: bucket.abandonedUploadAge)
            print("aborted \(aborted) abandoned multipart uploads")
        }
        let sweeper = configuration.makeStoreSweeper(store)
        guard sweeper.isActive else {
            print("nothing to do: none of proxy.ttl, storage.maxsize and storage.minfree is set")
            return
        }
        let report = try await sweeper.sweep(dryRun: dryRun)
        let verb = dryRun ? "would remove" : "removed"
        for object in report.removed { print("\(verb) \(object)") }
        print("\(verb) \(report.removed.count) of \(report.objectsBefore) objects, \(report.freedBytes) bytes; store \(report.bytesBefore) -> \(report.bytesAfter) bytes")
    }
}

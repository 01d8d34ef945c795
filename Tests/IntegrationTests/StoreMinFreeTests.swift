import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("storage.minfree on a small tmpfs")
struct StoreMinFreeTests {
    static func freeBytes(_ path: String) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfFileSystem(forPath: path)
        return (attributes[.systemFreeSize] as? NSNumber)?.int64Value ?? 0
    }

    /// Runs `body` with Wharf (`storage.minfree: minFree`) storing on a tmpfs of `size` it
    /// mounts, in front of a real registry holding `blobs`; `body` gets Wharf, the mounted
    /// volume and the store's root on it.
    static func withWharfOnTmpfs(
        _ name: String,
        size: String,
        minFree: String,
        blobs: [TestBlob],
        _ body: (WharfProcess, String, String) async throws -> Void
    ) async throws {
        try await PullFixture.with(name) { fixture in
            let volume = try fixture.folder.folder("volume")
            try await Tmpfs.mounted(size: size, on: volume) {
                let seeder = RegistrySeeder(baseURL: fixture.upstream.url)
                for blob in blobs { try await seeder.pushBlob(blob, repository: "library/big") }
                try await seeder.shutdown()
                let folder = try TemporaryFolder(prefix: "wharf-\(name)-config")
                defer { folder.remove() }
                let store = volume + "/store"
                let wharf = try await WharfProcess.start(
                    in: folder, upstreamURL: fixture.upstream.url, storageYAML: "  minfree: \(minFree)\n", name: "wharf-tmpfs"
                )
                // The fixture's store is elsewhere: point a second Wharf at the tmpfs.
                await wharf.stop()
                let config = try String(contentsOfFile: wharf.configPath, encoding: .utf8)
                    .replacingOccurrences(of: wharf.storagePath, with: store)
                try config.write(toFile: wharf.configPath, atomically: true, encoding: .utf8)
                let onTmpfs = try await wharf.restarted()
                do {
                    try await body(onTmpfs, volume, store)
                } catch {
                    await onTmpfs.stop()
                    throw error
                }
                await onTmpfs.stop()
            }
        }
    }

    @Test("below minfree the least recently used blobs are evicted, and every pull is served whole")
    func evictsBelowMinFree() async throws {
        let mib = 1024 * 1024
        let blobs = (0..<5).map { UpstreamTimeoutTests.blob(seed: 200 + UInt64($0), size: 8 * mib) }
        try await Self.withWharfOnTmpfs("minfree", size: "48m", minFree: "24MiB", blobs: blobs) { onTmpfs, volume, store in
            for blob in blobs {
                let answer = try await HTTPProbe.send(.GET, onTmpfs.url + "/v2/library/big/blobs/\(blob.digest)")
                #expect(answer.status == 200 && answer.bytes == blob.bytes, "\(answer.status), \(answer.bytes.count) bytes")
                // The sweeper runs about a second after each stored blob.
                try await Task.sleep(for: .seconds(2))
            }
            let stored = (try? FileManager.default.contentsOfDirectory(atPath: store + "/blobs/sha256")) ?? []
            let free = try Self.freeBytes(volume)
            print("minfree: \(stored.count) of 5 blobs of 8 MiB kept on a 48 MiB tmpfs, \(free / Int64(mib)) MiB free (minfree 24 MiB)")
            #expect(free >= 24 * Int64(mib), "the volume keeps minfree free: \(free) bytes")
            #expect(!stored.contains(blobs[0].hex), "the least recently used blob was evicted")
            #expect(stored.contains(blobs[4].hex), "the newest blob is kept")
            let metrics = try await HTTPProbe.send(.GET, onTmpfs.url + "/metrics").body
            let evicted = metrics.split(separator: "\n").first { $0.hasPrefix("wharf_evicted_objects_total ") }
            #expect((evicted.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0) >= 1, "evictions are counted: \(evicted ?? "none")")
            let again = try await HTTPProbe.send(.GET, onTmpfs.url + "/v2/library/big/blobs/\(blobs[0].digest)")
            #expect(again.status == 200 && again.bytes == blobs[0].bytes, "an evicted blob is fetched again")
        }
    }

    @Test("a full volume with nothing to evict: pulls are served pass-through, whole, nothing stored, counted")
    func passThroughWhenNothingCanBeFreed() async throws {
        let mib = 1024 * 1024
        let blobs = (0..<2).map { UpstreamTimeoutTests.blob(seed: 300 + UInt64($0), size: 6 * mib) }
        try await Self.withWharfOnTmpfs("passthrough", size: "16m", minFree: "8MiB", blobs: blobs) { onTmpfs, volume, store in
            // A file that is not the store's fills the volume: eviction can free nothing.
            _ = try await Command.run("/bin/dd", ["if=/dev/zero", "of=\(volume)/filler", "bs=1M"])
            #expect(try Self.freeBytes(volume) < Int64(mib), "the volume is full")
            for blob in blobs {
                let answer = try await HTTPProbe.send(.GET, onTmpfs.url + "/v2/library/big/blobs/\(blob.digest)")
                #expect(answer.status == 200 && answer.bytes == blob.bytes, "\(answer.status), \(answer.bytes.count) bytes")
                #expect(answer.headers.first(name: "X-Wharf-Cache") == "passthrough", "\(answer.headers)")
            }
            let stored = (try? FileManager.default.contentsOfDirectory(atPath: store + "/blobs/sha256")) ?? []
            #expect(stored.isEmpty, "nothing is stored: \(stored)")
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: store + "/tmp")) ?? []
            #expect(leftovers.isEmpty, "no partial upload is left: \(leftovers)")
            let metrics = try await HTTPProbe.send(.GET, onTmpfs.url + "/metrics").body
            let counted = metrics.split(separator: "\n").first { $0.hasPrefix("wharf_passthrough_total{reason=\"no_space\"} ") }
            #expect((counted.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0) == 2, "each pass-through blob is counted: \(counted ?? "none")")
            let warnings = onTmpfs.log().components(separatedBy: "serving it pass-through").count - 1
            #expect(warnings == 2, "one warning per blob, \(warnings) seen")
        }
    }
}

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

    @Test("below minfree the least recently used blobs are evicted, and every pull is served whole")
    func evictsBelowMinFree() async throws {
        let mib = 1024 * 1024
        let blobs = (0..<5).map { UpstreamTimeoutTests.blob(seed: 200 + UInt64($0), size: 8 * mib) }
        try await PullFixture.with("minfree") { fixture in
            let volume = try fixture.folder.folder("volume")
            let mounted = try await Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", volume])
            try #require(mounted.succeeded, "mounting a tmpfs needs root (mount -t tmpfs): \(mounted.summary)")
            do {
                let seeder = RegistrySeeder(baseURL: fixture.upstream.url)
                for blob in blobs { try await seeder.pushBlob(blob, repository: "library/big") }
                try await seeder.shutdown()
                let folder = try TemporaryFolder(prefix: "wharf-minfree-config")
                defer { folder.remove() }
                let store = volume + "/store"
                let wharf = try await WharfProcess.start(
                    in: folder, upstreamURL: fixture.upstream.url, storageYAML: "  minfree: 24MiB\n", name: "wharf-tmpfs"
                )
                // The fixture's store is elsewhere: point a second Wharf at the tmpfs.
                await wharf.stop()
                let config = try String(contentsOfFile: wharf.configPath, encoding: .utf8)
                    .replacingOccurrences(of: wharf.storagePath, with: store)
                try config.write(toFile: wharf.configPath, atomically: true, encoding: .utf8)
                let onTmpfs = try await wharf.restarted()
                do {
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
                } catch {
                    await onTmpfs.stop()
                    throw error
                }
                await onTmpfs.stop()
            } catch {
                _ = try? await Command.run("/bin/umount", [volume])
                throw error
            }
            let unmounted = try await Command.run("/bin/umount", [volume])
            #expect(unmounted.succeeded, "\(unmounted.summary)")
        }
    }
}

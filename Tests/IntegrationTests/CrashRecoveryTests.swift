import Foundation
import NIOHTTP1
import Synchronization
import Testing
import WharfTesting

@Suite("kill -9 during cold pulls loses and corrupts nothing")
struct CrashRecoveryTests {
    /// How many of the pulling clients have ended, read by the task that kills Wharf.
    final class Finished: Sendable {
        private let count = Atomic(0)
        var value: Int { count.load(ordering: .acquiring) }
        func add() { count.add(1, ordering: .releasing) }
    }

    /// `skopeo copy` of `reference` into `folder`, with skopeo's own retries, run again when it
    /// still fails (as a CI job pulling through a restarting mirror would); the attempts it took.
    static func pull(_ reference: String, into folder: String) async throws -> (attempts: Int, last: ProcessResult) {
        var attempt = 0
        while true {
            attempt += 1
            try? FileManager.default.removeItem(atPath: folder)
            let result = try await Skopeo.copy(reference, "dir:\(folder)", arguments: ["--src-tls-verify=false", "--retry-times", "3"], timeout: .seconds(120))
            if result.status == 0 || attempt == 6 { return (attempt, result) }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    /// Whether `folder` (skopeo's dir: layout) holds `image`'s manifest and every blob byte for byte.
    static func holds(_ image: TestImage, _ folder: String) throws -> Bool {
        let files = try PullFixture.files(in: folder)
        return files["manifest.json"] == Data(image.manifest) && image.blobs.allSatisfy { files[$0.hex] == Data($0.bytes) }
    }

    @Test("Wharf killed three times during 20 concurrent cold skopeo pulls of 10 images: store verify finds 0 corrupt, and every image pulls whole")
    func killedDuringPulls() async throws {
        let images = try (0..<10).map { try ImageFactory.image(layerSizes: [2_000_000, 1_500_000, 1_000_000], seed: 300 + UInt64($0)) }
        let seeded = images.enumerated().map { ("library/crash\($0.offset)", "latest", $0.element) }
        try await PullFixture.with("crash", images: seeded) { fixture in
            var wharf = fixture.wharf
            let host = wharf.hostPort
            let storedFolder = wharf.storagePath + "/blobs/sha256"
            func storedCount() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: storedFolder)) ?? []).count }
            do {
                let finished = Finished()
                var killedWhilePulling = 0
                // 20 clients, two for each image, all cold; Wharf is killed each time two more blobs
                // are stored, so that others are mid-download, and started again at once on the same store.
                let pulls = try await withThrowingTaskGroup(of: (Int, Int, ProcessResult).self) { group in
                    for client in 0..<20 {
                        let folder = fixture.folder.file("client\(client)")
                        group.addTask {
                            let (attempts, last) = try await Self.pull("docker://\(host)/library/crash\(client % 10):latest", into: folder)
                            finished.add()
                            return (client, attempts, last)
                        }
                    }
                    for _ in 1...3 {
                        let before = storedCount()
                        let deadline = ContinuousClock.now + .seconds(30)
                        while storedCount() < before + 2, finished.value < 20, ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                        if finished.value < 20 { killedWhilePulling += 1 }
                        wharf.send(SIGKILL)
                        #expect(try await wharf.waitForExit(timeout: .seconds(10)) != nil)
                        wharf = try await wharf.restarted()
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(killedWhilePulling == 3, "only \(killedWhilePulling) of the 3 kills came while clients were pulling")
                for (client, attempts, last) in pulls {
                    #expect(last.status == 0, "client \(client) failed after \(attempts) attempts: \(last.summary)")
                    #expect(try Self.holds(images[client % 10], fixture.folder.file("client\(client)")), "client \(client) got other bytes")
                }
                let verify = try await Command.run(try WharfProcess.binaryPath(), ["store", "verify", "--config", wharf.configPath])
                #expect(verify.status == 0 && verify.stdout.contains(": 0 corrupt"), "\(verify.summary)")
                print("kill -9: 3 kills during 20 concurrent skopeo pulls; attempts per client \(pulls.sorted { $0.0 < $1.0 }.map(\.1)); \(storedCount()) of 40 blobs stored")
                print("kill -9: \(verify.stdout.split(separator: "\n").last ?? "")")
                for (index, image) in images.enumerated() {
                    let folder = fixture.folder.file("after\(index)")
                    let after = try await Skopeo.copy("docker://\(host)/library/crash\(index):latest", "dir:\(folder)", arguments: ["--src-tls-verify=false"])
                    #expect(after.status == 0, "\(after.summary)")
                    #expect(try Self.holds(image, folder), "image \(index) after the kills: other bytes")
                }
                #expect(storedCount() == 40, "every blob of the 10 images is stored once pulled")
            } catch {
                await wharf.stop()
                throw error
            }
            await wharf.stop()
        }
    }
}

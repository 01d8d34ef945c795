import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("kill -9 during cold pulls loses and corrupts nothing")
struct CrashRecoveryTests {
    @Test("Wharf killed three times during 20 concurrent cold pulls: store verify finds 0 corrupt, and every blob pulls whole")
    func killedDuringPulls() async throws {
        let blobs = (0..<20).map { UpstreamTimeoutTests.blob(seed: 300 + UInt64($0), size: 3 * 1024 * 1024) }
        try await PullFixture.with("crash") { fixture in
            let seeder = RegistrySeeder(baseURL: fixture.upstream.url)
            for blob in blobs { try await seeder.pushBlob(blob, repository: "library/crash") }
            try await seeder.shutdown()
            var wharf = fixture.wharf
            var interrupted = 0
            let storedFolder = wharf.storagePath + "/blobs/sha256"
            func storedCount() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: storedFolder)) ?? []).count }
            for _ in 1...3 {
                let url = wharf.url
                // 20 pulls at once, cold but for what earlier rounds stored; Wharf is killed once a
                // few more blobs are stored, so others are mid-download, and started again at once.
                let before = storedCount()
                let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                    for blob in blobs {
                        group.addTask { (try? await StreamedAnswer.get(url + "/v2/library/crash/blobs/\(blob.digest)").bytes.count) ?? -1 }
                    }
                    let deadline = ContinuousClock.now + .seconds(60)
                    while storedCount() < min(blobs.count, before + 2), ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    wharf.send(SIGKILL)
                    #expect(try await wharf.waitForExit(timeout: .seconds(10)) != nil)
                    wharf = try await wharf.restarted()
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                interrupted += answers.count { $0 != 3 * 1024 * 1024 }
            }
            print("kill -9: 3 kills, \(interrupted) of 60 pulls cut off by them, \(storedCount()) of 20 blobs stored")
            let verify = try await Command.run(try WharfProcess.binaryPath(), ["store", "verify", "--config", wharf.configPath])
            #expect(verify.status == 0 && verify.stdout.contains(": 0 corrupt"), "\(verify.summary)")
            print("kill -9: \(verify.stdout.split(separator: "\n").last ?? "")")
            for blob in blobs {
                let answer = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/crash/blobs/\(blob.digest)")
                #expect(answer.status == 200 && answer.bytes == blob.bytes, "\(blob.digest): \(answer.status), \(answer.bytes.count) bytes")
            }
            await wharf.stop()
        }
    }
}

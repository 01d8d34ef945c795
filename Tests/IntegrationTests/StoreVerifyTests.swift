import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("wharf store verify finds, and with --repair removes, corrupt content")
struct StoreVerifyTests {
    static func verify(_ wharf: WharfProcess, repair: Bool = false) async throws -> ProcessResult {
        try await Command.run(try WharfProcess.binaryPath(), ["store", "verify", "--config", wharf.configPath] + (repair ? ["--repair"] : []))
    }

    @Test("a blob corrupted on disk is reported, removed by --repair with a stale temporary file, and fetched again by the next pull")
    func corruptBlob() async throws {
        let image = try ImageFactory.image(layerSizes: [200_000, 50_000], seed: 190)
        try await PullFixture.with("verify", images: [("library/test", "latest", image)]) { fixture in
            let pulled = try await Skopeo.copy(
                "docker://\(fixture.wharf.hostPort)/library/test:latest", "dir:\(fixture.folder.file("first"))",
                arguments: ["--src-tls-verify=false"]
            )
            #expect(pulled.status == 0, "\(pulled.summary)")
            let clean = try await Self.verify(fixture.wharf)
            #expect(clean.status == 0, "\(clean.summary)")
            #expect(clean.stdout.contains(": 0 corrupt"), "\(clean.stdout)")

            let layer = image.layers[0]
            let path = fixture.wharf.storagePath + "/blobs/sha256/\(layer.hex)"
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x01
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let leftover = fixture.wharf.storagePath + "/tmp/abandoned-upload"
            try Data("half a blob".utf8).write(to: URL(fileURLWithPath: leftover))

            let found = try await Self.verify(fixture.wharf)
            #expect(found.status == 1, "corrupt content makes it fail: \(found.summary)")
            #expect(found.stdout.contains("corrupt blob \(layer.digest)"), "\(found.stdout)")
            #expect(found.stdout.contains(": 1 corrupt, 0 removed"), "\(found.stdout)")
            #expect(FileManager.default.fileExists(atPath: path), "without --repair nothing is removed")

            let repaired = try await Self.verify(fixture.wharf, repair: true)
            #expect(repaired.status == 0, "\(repaired.summary)")
            #expect(repaired.stdout.contains("corrupt blob \(layer.digest)") && repaired.stdout.contains("removed"), "\(repaired.stdout)")
            #expect(repaired.stdout.contains("removed 1 temporary files"), "\(repaired.stdout)")
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(!FileManager.default.fileExists(atPath: leftover))

            let again = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/library/test/blobs/\(layer.digest)")
            #expect(again.status == 200 && again.bytes == layer.bytes, "the next pull fetches the blob again")
            let pulledAgain = try await Skopeo.copy(
                "docker://\(fixture.wharf.hostPort)/library/test:latest", "dir:\(fixture.folder.file("second"))",
                arguments: ["--src-tls-verify=false"]
            )
            #expect(pulledAgain.status == 0, "\(pulledAgain.summary)")
            let after = try await Self.verify(fixture.wharf)
            #expect(after.status == 0 && after.stdout.contains(": 0 corrupt"), "\(after.summary)")
        }
    }
}

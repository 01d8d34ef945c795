import Certificates
import FileIO
import Foundation
import Testing
import WharfTesting

@Suite("CertificateFileWatcher reloads replaced files and refuses broken ones")
struct CertificateFileWatcherTests {
    /// Polls `condition` every 50 ms until it holds or `timeout` passes.
    private func eventually(within timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// Copies `source` over `destination` the way `cp` does: rewriting the file in place.
    private func overwrite(_ destination: String, with source: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: data)
        try handle.close()
    }

    @Test("replacing both files installs the new certificate within seconds; a broken pair is refused and logged")
    func replacedFilesAreInstalled() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-watcher")
        defer { folder.remove() }
        let first = try await OpenSSL.selfSigned(in: folder, name: "a")
        let second = try await OpenSSL.selfSigned(in: folder, name: "b", keyAlgorithm: "rsa")
        let third = try await OpenSSL.selfSigned(in: folder, name: "c")
        let expired = try await OpenSSL.selfSignedWithDates(
            in: folder, name: "expired", start: "20200101000000Z", end: "20200102000000Z"
        )
        let live = (certificate: folder.file("live.pem"), key: folder.file("live.key"))
        try FileManager.default.copyItem(atPath: first.certificate, toPath: live.certificate)
        try FileManager.default.copyItem(atPath: first.key, toPath: live.key)

        let pairA = try await CertificatePair.load(certificatePath: live.certificate, keyPath: live.key)
        let serialB = try await OpenSSL.serial(ofCertificateIn: second.certificate).paddedToBytes
        let serialC = try await OpenSSL.serial(ofCertificateIn: third.certificate).paddedToBytes
        let provider = CertificateProvider(initial: pairA)
        let logs = LogRecorder()
        let watcher = CertificateFileWatcher(
            certificatePath: live.certificate,
            keyPath: live.key,
            provider: provider,
            pollInterval: .milliseconds(100),
            logger: logs.logger
        )

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await watcher.run() }
            // The watcher takes its first look when it starts; a change made before that is not
            // a change to it (under full-suite load the task starts late).
            #expect(try await eventually { logs.messages.contains { $0.contains("watching the certificate files") } })

            // An operator replaces the key, then (a moment later) the certificate, in place.
            try overwrite(live.key, with: second.key)
            try await Task.sleep(for: .milliseconds(30))
            try overwrite(live.certificate, with: second.certificate)
            #expect(try await eventually { provider.current.serialNumberHex == serialB })
            #expect(!logs.messages.contains { $0.hasPrefix("error") }, "\(logs.messages)")

            // A renewal tool renames new files into place (atomic replace, new inodes).
            try await AtomicFile.write(Array(String(contentsOfFile: third.key, encoding: .utf8).utf8), to: live.key, mode: 0o600)
            try await AtomicFile.write(Array(String(contentsOfFile: third.certificate, encoding: .utf8).utf8), to: live.certificate, mode: 0o644)
            #expect(try await eventually { provider.current.serialNumberHex == serialC })

            // A mismatched pair: the certificate of A with the key of C.
            try overwrite(live.certificate, with: first.certificate)
            #expect(try await eventually { logs.messages.contains { $0.contains("does not match") } })
            #expect(provider.current.serialNumberHex == serialC)
            let refusal = try #require(logs.messages.first { $0.contains("does not match") })
            #expect(refusal.hasPrefix("error"))
            #expect(refusal.contains(live.certificate) && refusal.contains(live.key))
            #expect(refusal.contains("still serving serial \(serialC)"))

            // Garbage, then an expired pair: both refused, C still served.
            try "not a certificate\n".write(toFile: live.certificate, atomically: false, encoding: .utf8)
            #expect(try await eventually { logs.messages.contains { $0.contains("contains no certificate") } })
            try overwrite(live.key, with: expired.key)
            try overwrite(live.certificate, with: expired.certificate)
            #expect(try await eventually { logs.messages.contains { $0.contains("expired at 2020-01-02") } })
            #expect(provider.current.serialNumberHex == serialC)

            // The refused state is not retried over and over while nothing changes.
            let refusals = logs.messages.filter { $0.hasPrefix("error") }.count
            try await Task.sleep(for: .milliseconds(500))
            #expect(logs.messages.filter { $0.hasPrefix("error") }.count == refusals)

            // A missing file is tolerated; a good pair afterwards is installed.
            try FileManager.default.removeItem(atPath: live.certificate)
            try await Task.sleep(for: .milliseconds(300))
            try overwrite(live.key, with: second.key)
            try FileManager.default.copyItem(atPath: second.certificate, toPath: live.certificate)
            #expect(try await eventually { provider.current.serialNumberHex == serialB })

            group.cancelAll()
        }
    }
}

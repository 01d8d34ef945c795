import Certificates
import FileIO
import Foundation
import NIOSSL
import Testing
import WharfTesting

@Suite("Client certificate revocation lists: parsing, matching, reloading")
struct RevocationListTests {
    @Test("serials and fingerprints as openssl prints them, with comments, match the certificate they name")
    func opensslOutputMatches() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-revoked")
        defer { folder.remove() }
        let authority = try await TestCertificateAuthority.make(in: folder, name: "clients")
        let alice = try await authority.issue("alice", names: ["alice"], clientAuth: true)
        let bob = try await authority.issue("bob", names: ["bob"], clientAuth: true)
        let carol = try await authority.issue("carol", names: ["carol"], clientAuth: true)
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let serial = try await Command.run(openssl, ["x509", "-noout", "-serial", "-in", alice.certificatePath])
        let fingerprint = try await Command.run(openssl, ["x509", "-noout", "-fingerprint", "-sha256", "-in", bob.certificatePath])
        let text = "# lost laptop\n\(serial.stdout)\n  \(fingerprint.stdout)   # bob's CI runner\n\n"
        let list = try RevocationList(parsing: text, source: "revoked.txt")
        #expect(list.count == 2)
        let identities = try [alice, bob, carol].map { try ClientCertificateIdentity(try NIOSSLCertificate.fromPEMFile($0.certificatePath)[0]) }
        #expect(identities.map(\.name) == ["alice", "bob", "carol"])
        #expect(list.contains(identities[0]))
        #expect(list.contains(identities[1]))
        #expect(!list.contains(identities[2]))
        #expect(identities[0].serialHex == alice.serial)
    }

    @Test("a serial matches with leading zeros, colons and lower case")
    func serialSpellings() throws {
        let list = try RevocationList(parsing: "00:0a:bc\n", source: "r")
        #expect(list.serials == ["ABC"])
        let other = try RevocationList(parsing: "ABC", source: "r")
        #expect(list == other)
    }

    @Test("a bad line is refused with its file and line number", arguments: ["not-hex", "12345 678", String(repeating: "A", count: 41)])
    func badLine(_ line: String) {
        #expect {
            try RevocationList(parsing: "# fine\nABCD\n\(line)\n", source: "/etc/wharf/revoked")
        } throws: { error in
            "\(error)".hasPrefix("/etc/wharf/revoked:3: ") && (error as? TLSCertificateError)?.kind == .invalidRevocationList
        }
    }

    @Test("a changed file is reloaded within seconds; a broken one keeps the previous list")
    func reloads() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-revoked-reload")
        defer { folder.remove() }
        let path = folder.file("revoked")
        try "AA\n".write(toFile: path, atomically: true, encoding: .utf8)
        let revocations = try await ClientCertificateRevocations(path: path)
        #expect(revocations.list.serials == ["AA"])
        let watcher = RevocationListWatcher(revocations: revocations, pollInterval: .milliseconds(100))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await watcher.run() }
            try "AA\nBB\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try await eventually { revocations.list.serials == ["AA", "BB"] })
            try "AA\nnonsense\n".write(toFile: path, atomically: true, encoding: .utf8)
            try await Task.sleep(for: .milliseconds(600))
            #expect(revocations.list.serials == ["AA", "BB"])
            try "CC\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(try await eventually { revocations.list.serials == ["CC"] })
            group.cancelAll()
        }
    }

    @Test("a missing revocation file is an error at start, not an empty list")
    func missingFile() async {
        await #expect(throws: TLSCertificateError.self) {
            _ = try await ClientCertificateRevocations(path: "/nonexistent/wharf-revoked")
        }
    }
}

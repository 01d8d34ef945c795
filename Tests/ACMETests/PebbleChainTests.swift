import ACME
import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("chains and revocation against Pebble", .timeLimit(.minutes(3)))
struct PebbleChainTests {
    /// The common name in `pem`'s subject, as openssl prints it.
    func commonName(of pem: String, in folder: TemporaryFolder) async throws -> String {
        let path = folder.file("subject-\(UUID().uuidString).pem")
        try pem.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await Command.run("openssl", ["x509", "-in", path, "-noout", "-subject", "-nameopt", "multiline"])
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("commonName") })
        return line.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
    }

    @Test("preferredchain picks the alternate chain whose top is issued by the named root")
    func preferredChain() async throws {
        try await PebbleFixture.with({ $0.alternateRoots = 1 }) { fixture in
            let client = fixture.client()
            let alternateRoot = try await commonName(of: try await fixture.pebble.rootPEM(1), in: fixture.folder)

            let preferred = try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver, preferredChain: alternateRoot)
            try await fixture.verify(preferred, hosts: ["mirror.example.test"], rootIndex: 1)

            let standard = try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver)
            try await fixture.verify(standard, hosts: ["mirror.example.test"], rootIndex: 0)

            let unknown = try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver, preferredChain: "No Such Root")
            try await fixture.verify(unknown, hosts: ["mirror.example.test"], rootIndex: 0)
            #expect(fixture.logs.text.contains("no chain leads to the preferred root"))
        }
    }

    @Test("revocation with the account and with the certificate's own key")
    func revocation() async throws {
        try await PebbleFixture.with { fixture in
            let client = fixture.client()
            let byAccount = try await client.obtainCertificate(hosts: ["mirror.example.test"], solver: fixture.solver)
            #expect(try await fixture.pebble.certificateStatus(serial: byAccount.serial).contains(#""Status": "Valid""#))
            try await client.revokeCertificate(chainPEM: byAccount.chainPEM, reason: 4)
            #expect(try await fixture.pebble.certificateStatus(serial: byAccount.serial).contains(#""Status": "Revoked""#))

            let byKey = try await client.obtainCertificate(hosts: ["www.example.test"], keyType: .rsa2048, solver: fixture.solver)
            let stranger = fixture.client(store: CertificateStateFolder(folder: fixture.folder.file("other-state")))
            try await stranger.revokeCertificate(chainPEM: byKey.chainPEM, certificateKeyPEM: byKey.privateKeyPEM, reason: 1)
            #expect(try await fixture.pebble.certificateStatus(serial: byKey.serial).contains(#""Status": "Revoked""#))
            #expect(!FileManager.default.fileExists(atPath: fixture.folder.file("other-state/account.key")), "revoking by certificate key needs no account")
        }
    }
}

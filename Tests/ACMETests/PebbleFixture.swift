import ACME
import Certificates
import Foundation
import Testing
import WharfTesting

/// A Pebble CA with its DNS server, the HTTP-01 listener its validator dials (serving an
/// ``HTTP01TokenTable``), and a state folder: what every test against Pebble starts from.
struct PebbleFixture {
    let folder: TemporaryFolder
    let tokens: HTTP01TokenTable
    let challengeServer: HTTP01ChallengeServer
    let pebble: PebblePeer
    let store: CertificateStateFolder
    let logs = LogRecorder()

    /// Starts the challenge server, then Pebble pointed at it (`PEBBLE_VA_NOSLEEP=1`);
    /// `configure` changes the other options.
    static func start(_ configure: (inout PebbleOptions) -> Void = { _ in }) async throws -> PebbleFixture {
        let folder = try TemporaryFolder(prefix: "acme-pebble")
        let tokens = HTTP01TokenTable()
        let challengeServer = try await HTTP01ChallengeServer.start { token in tokens.keyAuthorization(for: token) }
        var options = PebbleOptions(httpPort: challengeServer.port)
        configure(&options)
        let pebble = try await PebblePeer.start(in: folder, options: options)
        return PebbleFixture(
            folder: folder,
            tokens: tokens,
            challengeServer: challengeServer,
            pebble: pebble,
            store: CertificateStateFolder(folder: folder.file("state"))
        )
    }

    /// Runs `body` against a fresh fixture, then stops Pebble; the folder (with Pebble's log)
    /// is removed only when `body` succeeded.
    static func with(_ configure: (inout PebbleOptions) -> Void = { _ in }, _ body: (PebbleFixture) async throws -> Void) async throws {
        let fixture = try await start(configure)
        do {
            try await body(fixture)
        } catch {
            await fixture.stop()
            print("Pebble's log stays in \(fixture.folder.path)")
            throw error
        }
        await fixture.stop()
        fixture.remove()
    }

    /// A client of this Pebble trusting its listener, keeping its account in `store`.
    func client(store: CertificateStateFolder? = nil, email: String? = "ops@example.test", eab: ExternalAccountBinding? = nil) -> ACMEClient {
        ACMEClient(
            directoryURL: pebble.directoryURL,
            caBundlePath: pebble.caBundlePath,
            accountStore: store ?? self.store,
            email: email,
            eab: eab,
            timeout: .seconds(60),
            logger: logs.logger
        )
    }

    var solver: HTTP01Solver { HTTP01Solver(tokens: tokens) }

    /// Stops everything; keeps the folder (and Pebble's log) when the test failed.
    func stop() async {
        await challengeServer.stop()
        await pebble.stop()
    }

    func remove() {
        folder.remove()
    }

    /// Checks with openssl that `certificate` chains to Pebble's root `rootIndex`, names exactly
    /// `hosts` and belongs to its private key.
    func verify(_ certificate: IssuedCertificate, hosts: [String], rootIndex: Int = 0) async throws {
        let check = try TemporaryFolder(prefix: "acme-verify")
        defer { check.remove() }
        try await pebble.rootPEM(rootIndex).write(toFile: check.file("root.pem"), atomically: true, encoding: .utf8)
        try certificate.chainPEM.write(toFile: check.file("chain.pem"), atomically: true, encoding: .utf8)
        let leaf = String(certificate.chainPEM[..<certificate.chainPEM.range(of: "-----END CERTIFICATE-----")!.upperBound]) + "\n"
        try leaf.write(toFile: check.file("leaf.pem"), atomically: true, encoding: .utf8)
        try certificate.privateKeyPEM.write(toFile: check.file("key.pem"), atomically: true, encoding: .utf8)

        let verified = try await Command.run("openssl", ["verify", "-CAfile", check.file("root.pem"), "-untrusted", check.file("chain.pem"), check.file("leaf.pem")])
        #expect(verified.succeeded && verified.stdout.contains("leaf.pem: OK"), "openssl verify: \(verified.stdout) \(verified.stderr)")

        let names = try await Command.run("openssl", ["x509", "-in", check.file("leaf.pem"), "-noout", "-ext", "subjectAltName"])
        let listed = names.stdout.split(separator: "\n").dropFirst().joined()
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let expected = hosts.map { $0.contains(where: \.isLetter) && !$0.contains(":") ? "DNS:\($0)" : "IP Address:\($0)" }
        #expect(Set(listed) == Set(expected), "SANs: \(names.stdout)")

        let certificateKey = try await Command.run("openssl", ["x509", "-in", check.file("leaf.pem"), "-noout", "-pubkey"])
        let privateKey = try await Command.run("openssl", ["pkey", "-in", check.file("key.pem"), "-pubout"])
        #expect(certificateKey.succeeded && certificateKey.stdout == privateKey.stdout, "the key does not match the certificate")

        let serial = try await TestCertificateAuthority.serial(ofCertificateAt: check.file("leaf.pem"))
        #expect(serial == certificate.serial)
    }
}

import Certificates
import Foundation
import Testing
import WharfTesting
import struct X509.Certificate

@Suite("LocalCertificateAuthority issues a leaf that openssl verifies, and renews it")
struct LocalCertificateAuthorityTests {
    private func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }

    @Test("first call creates the folder 0700, keys 0600, and a leaf for the names that verifies against ca.pem")
    func createsFilesAndAVerifiableLeaf() async throws {
        let root = try TemporaryFolder(prefix: "wharf-local-ca")
        defer { root.remove() }
        let authority = LocalCertificateAuthority(folder: root.file("state/certs/local"))
        let names = ["localhost", "127.0.0.1", "::1", "Wharf.Example.Test"]
        let pair = try await authority.ensureLeaf(names: names)

        #expect(try mode(of: authority.folder) == 0o700)
        #expect(try mode(of: authority.caKeyPath) == 0o600)
        #expect(try mode(of: authority.keyPath) == 0o600)
        #expect(try mode(of: authority.caCertificatePath) == 0o644)
        #expect(authority.caCertificatePath == authority.folder + "/ca.pem")
        let files = try FileManager.default.contentsOfDirectory(atPath: authority.folder).sorted()
        #expect(files == ["ca.key", "ca.pem", "local.key", "local.pem"])

        #expect(pair.dnsNames == ["localhost", "wharf.example.test"])
        #expect(pair.ipAddresses == ["127.0.0.1", "::1"])
        #expect(pair.issuerCommonName == "Wharf local CA")
        #expect(abs(pair.notAfter.timeIntervalSinceNow - 90 * 86400) < 120)

        let verified = try await OpenSSL.run([
            "verify", "-CAfile", authority.caCertificatePath, "-purpose", "sslserver", authority.certificatePath,
        ])
        #expect(verified.stdout.contains("local.pem: OK"))

        let leafText = try await OpenSSL.run(["x509", "-in", authority.certificatePath, "-noout", "-text"]).stdout
        #expect(leafText.contains("DNS:localhost"))
        #expect(leafText.contains("DNS:wharf.example.test"))
        #expect(leafText.contains("IP Address:127.0.0.1"))
        #expect(leafText.contains("IP Address:0:0:0:0:0:0:0:1"))
        #expect(leafText.contains("TLS Web Server Authentication"))
        #expect(leafText.contains("CA:FALSE"))

        let caText = try await OpenSSL.run(["x509", "-in", authority.caCertificatePath, "-noout", "-text"]).stdout
        #expect(caText.contains("CN = Wharf local CA"))
        #expect(caText.contains("CA:TRUE"))
        #expect(caText.contains("Certificate Sign"))
        #expect(caText.contains("ASN1 OID: prime256v1"))
        let caPair = try await CertificatePair.load(certificatePath: authority.caCertificatePath, keyPath: authority.caKeyPath)
        let caYears = caPair.notAfter.timeIntervalSince(caPair.notBefore) / (365.25 * 86400)
        #expect(caYears > 9.99 && caYears < 10.01)

        // openssl agrees that the key belongs to the certificate.
        let fromCertificate = try await OpenSSL.run(["x509", "-in", authority.certificatePath, "-noout", "-pubkey"]).stdout
        let fromKey = try await OpenSSL.run(["pkey", "-in", authority.keyPath, "-pubout"]).stdout
        #expect(fromCertificate == fromKey)
    }

    @Test("a second call reuses every file; new names re-issue the leaf under the same CA")
    func reusesAndReissuesForNames() async throws {
        let root = try TemporaryFolder(prefix: "wharf-local-ca")
        defer { root.remove() }
        let authority = LocalCertificateAuthority(folder: root.file("local"))
        let first = try await authority.ensureLeaf(names: ["localhost", "127.0.0.1"])
        let caBefore = try String(contentsOfFile: authority.caCertificatePath, encoding: .utf8)
        let keyBefore = try String(contentsOfFile: authority.keyPath, encoding: .utf8)

        let second = try await authority.ensureLeaf(names: ["127.0.0.1", "LOCALHOST"])
        #expect(second.serialNumberHex == first.serialNumberHex)
        #expect(try String(contentsOfFile: authority.keyPath, encoding: .utf8) == keyBefore)

        let renamed = try await authority.ensureLeaf(names: ["localhost", "127.0.0.1", "registry.test"])
        #expect(renamed.serialNumberHex != first.serialNumberHex)
        #expect(renamed.dnsNames.contains("registry.test"))
        #expect(try String(contentsOfFile: authority.caCertificatePath, encoding: .utf8) == caBefore)
        let verified = try await OpenSSL.run(["verify", "-CAfile", authority.caCertificatePath, authority.certificatePath])
        #expect(verified.stdout.contains("OK"))
    }

    @Test("a leaf within the last third of its lifetime is re-issued; one with more left is kept")
    func renewsNearExpiry() async throws {
        let root = try TemporaryFolder(prefix: "wharf-local-ca")
        defer { root.remove() }
        let authority = LocalCertificateAuthority(folder: root.file("local"))
        let names = ["localhost"]
        let now = Date()
        let first = try await authority.ensureLeaf(names: names, now: now)

        let fiftyDaysLater = now.addingTimeInterval(50 * 86400)
        #expect(try await authority.ensureLeaf(names: names, now: fiftyDaysLater).serialNumberHex == first.serialNumberHex)

        let seventyDaysLater = now.addingTimeInterval(70 * 86400)
        let renewed = try await authority.ensureLeaf(names: names, now: seventyDaysLater)
        #expect(renewed.serialNumberHex != first.serialNumberHex)
        #expect(renewed.notAfter > first.notAfter)
        let onDisk = try await CertificatePair.load(certificatePath: authority.certificatePath, keyPath: authority.keyPath, now: seventyDaysLater)
        #expect(onDisk.serialNumberHex == renewed.serialNumberHex)
    }

    @Test("a replaced or broken CA is replaced and the leaf re-issued under it")
    func brokenAuthorityIsReplaced() async throws {
        let root = try TemporaryFolder(prefix: "wharf-local-ca")
        defer { root.remove() }
        let authority = LocalCertificateAuthority(folder: root.file("local"))
        let first = try await authority.ensureLeaf(names: ["localhost"])
        try "garbage\n".write(toFile: authority.caKeyPath, atomically: true, encoding: .utf8)
        let second = try await authority.ensureLeaf(names: ["localhost"])
        #expect(second.serialNumberHex != first.serialNumberHex)
        let verified = try await OpenSSL.run(["verify", "-CAfile", authority.caCertificatePath, authority.certificatePath])
        #expect(verified.stdout.contains("OK"))
    }

    @Test("a CA with less than a leaf's lifetime left is replaced; leaves never outlive their CA")
    func expiringAuthorityIsReplaced() async throws {
        let root = try TemporaryFolder(prefix: "wharf-local-ca")
        defer { root.remove() }
        let authority = LocalCertificateAuthority(folder: root.file("local"))
        let now = Date()
        _ = try await authority.ensureLeaf(names: ["localhost"], now: now)
        let caBefore = try String(contentsOfFile: authority.caCertificatePath, encoding: .utf8)

        let nearTheEnd = now.addingTimeInterval(LocalCertificateAuthority.authorityLifetime - 30 * 86400)
        let leaf = try await authority.ensureLeaf(names: ["localhost"], now: nearTheEnd)
        #expect(try String(contentsOfFile: authority.caCertificatePath, encoding: .utf8) != caBefore)
        let newAuthority = try await CertificatePair.load(
            certificatePath: authority.caCertificatePath, keyPath: authority.caKeyPath, now: nearTheEnd
        )
        #expect(leaf.notAfter <= newAuthority.notAfter)
        #expect(leaf.leaf.issuer == newAuthority.leaf.subject)
    }

    @Test("bad names are refused before anything is written")
    func badNamesAreRefused() async throws {
        let root = try TemporaryFolder(prefix: "wharf-local-ca")
        defer { root.remove() }
        let authority = LocalCertificateAuthority(folder: root.file("local"))
        let empty = try await #require(throws: TLSCertificateError.self) { try await authority.ensureLeaf(names: []) }
        #expect(empty.kind == .invalidName)
        let bad = try await #require(throws: TLSCertificateError.self) { try await authority.ensureLeaf(names: ["not a host"]) }
        #expect(bad.kind == .invalidName)
        #expect(bad.description.contains("not a host"))
        #expect(!FileManager.default.fileExists(atPath: authority.folder))
    }

    @Test("defaultNames holds localhost and the loopback addresses")
    func defaultNames() throws {
        let names = LocalCertificateAuthority.defaultNames()
        #expect(Array(names.prefix(3)) == ["localhost", "127.0.0.1", "::1"])
    }

    @Test("the renewer installs a renewed leaf into the provider and leaves a fresh one alone")
    func renewerInstallsRenewedLeaf() async throws {
        let root = try TemporaryFolder(prefix: "wharf-local-ca")
        defer { root.remove() }
        let authority = LocalCertificateAuthority(folder: root.file("local"))
        let names = ["localhost", "127.0.0.1"]
        let now = Date()
        let initial = try await authority.ensureLeaf(names: names, now: now)
        let provider = CertificateProvider(initial: initial)
        let renewer = LocalCertificateRenewer(authority: authority, names: names, provider: provider)

        #expect(try await renewer.renewIfDue(now: now) == false)
        #expect(provider.current.serialNumberHex == initial.serialNumberHex)

        // Served over TLS: s_client sees the local leaf, and it verifies against ca.pem.
        let server = try await TLSTestServer.start(configuration: provider.makeServerTLSConfiguration())
        let folder = try TemporaryFolder(prefix: "wharf-local-ca-client")
        defer { folder.remove() }
        let seen = try await SClient.connect(
            port: server.port,
            extraArguments: ["-CAfile", authority.caCertificatePath, "-verify_return_error"],
            folder: folder
        )
        #expect(seen.greeted)
        #expect(seen.result.stdout.contains("Verify return code: 0 (ok)"))
        #expect(seen.serial?.paddedToBytes == initial.serialNumberHex)

        // Seventy days on, the leaf is in the last third of its life: a new one is issued and installed.
        let later = now.addingTimeInterval(70 * 86400)
        #expect(try await renewer.renewIfDue(now: later) == true)
        #expect(provider.current.serialNumberHex != initial.serialNumberHex)
        try await server.stop()
    }

    @Test("the renewer's run loop ends on cancellation")
    func renewerStopsOnCancellation() async throws {
        let root = try TemporaryFolder(prefix: "wharf-local-ca")
        defer { root.remove() }
        let authority = LocalCertificateAuthority(folder: root.file("local"))
        let provider = CertificateProvider(initial: try await authority.ensureLeaf(names: ["localhost"]))
        let renewer = LocalCertificateRenewer(
            authority: authority, names: ["localhost"], provider: provider, checkInterval: .milliseconds(20)
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await renewer.run() }
            try await Task.sleep(for: .milliseconds(200))
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(try await authority.ensureLeaf(names: ["localhost"]).serialNumberHex == provider.current.serialNumberHex)
    }
}

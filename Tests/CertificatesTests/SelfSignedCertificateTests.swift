import Certificates
import FileIO
import Foundation
import Testing
import WharfTesting

@Suite("SelfSignedCertificate makes a temporary certificate that serves")
struct SelfSignedCertificateTests {
    @Test("it carries the names, the validity asked for, and serves a TLS handshake")
    func makesAServingCertificate() async throws {
        let pair = try SelfSignedCertificate.make(names: ["localhost", "127.0.0.1", "::1"], validity: 3600)
        #expect(pair.dnsNames == ["localhost"])
        #expect(pair.ipAddresses == ["127.0.0.1", "::1"])
        #expect(pair.isSelfIssued)
        #expect(abs(pair.notAfter.timeIntervalSinceNow - 3600) < 60)

        let folder = try TemporaryFolder(prefix: "wharf-self-signed")
        defer { folder.remove() }
        let certificatePath = folder.file("self.pem")
        try await AtomicFile.write(Array(pair.chainPEM.utf8), to: certificatePath, mode: 0o644)
        let verified = try await OpenSSL.run(["verify", "-CAfile", certificatePath, "-purpose", "sslserver", certificatePath])
        #expect(verified.stdout.contains("OK"))

        let provider = CertificateProvider(initial: pair)
        let server = try await TLSTestServer.start(configuration: provider.makeServerTLSConfiguration())
        let seen = try await SClient.connect(port: server.port, extraArguments: ["-CAfile", certificatePath], folder: folder)
        #expect(seen.greeted)
        #expect(seen.result.stdout.contains("Verify return code: 0 (ok)"))
        #expect(seen.serial?.paddedToBytes == pair.serialNumberHex)
        try await server.stop()
    }

    @Test("no names, a bad name or a non-positive validity are refused")
    func refusesBadInput() {
        #expect(throws: TLSCertificateError.self) { try SelfSignedCertificate.make(names: [], validity: 60) }
        #expect(throws: TLSCertificateError.self) { try SelfSignedCertificate.make(names: ["a b"], validity: 60) }
        #expect(throws: TLSCertificateError.self) { try SelfSignedCertificate.make(names: ["localhost"], validity: 0) }
    }
}

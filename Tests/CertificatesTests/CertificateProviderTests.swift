import Certificates
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing
import WharfTesting

@Suite("CertificateProvider swaps the served certificate under a running server")
struct CertificateProviderTests {
    @Test("s_client sees serial A, then serial B after install, from the same server with no restart")
    func installTakesEffectAtTheNextHandshake() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-provider")
        defer { folder.remove() }
        let first = try await OpenSSL.selfSigned(in: folder, name: "a")
        let second = try await OpenSSL.selfSigned(in: folder, name: "b", keyAlgorithm: "rsa")
        let pairA = try await CertificatePair.load(certificatePath: first.certificate, keyPath: first.key)
        let pairB = try await CertificatePair.load(certificatePath: second.certificate, keyPath: second.key)
        let serialA = try await OpenSSL.serial(ofCertificateIn: first.certificate)
        let serialB = try await OpenSSL.serial(ofCertificateIn: second.certificate)
        #expect(serialA != serialB)

        let provider = CertificateProvider(initial: pairA)
        let server = try await TLSTestServer.start(configuration: provider.makeServerTLSConfiguration())

        let before = try await SClient.connect(port: server.port, folder: folder)
        #expect(before.greeted, "s_client output:\n\(before.result.stdout)\n\(before.result.stderr)")
        #expect(before.serial == serialA)

        try provider.install(pairB)
        #expect(provider.current.serialNumberHex == pairB.serialNumberHex)

        let after = try await SClient.connect(port: server.port, folder: folder)
        #expect(after.greeted, "s_client output:\n\(after.result.stdout)\n\(after.result.stderr)")
        #expect(after.serial == serialB)

        // And back to the EC pair: the key type may change between handshakes too.
        try provider.install(pairA)
        let again = try await SClient.connect(port: server.port, folder: folder)
        #expect(again.serial == serialA)
        try await server.stop()
    }

    @Test("TLS 1.2 and 1.3 handshakes succeed; a TLS 1.1 handshake is refused by the server")
    func tls11IsRefused() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-provider")
        defer { folder.remove() }
        let files = try await OpenSSL.selfSigned(in: folder, name: "a")
        let provider = CertificateProvider(initial: try await CertificatePair.load(certificatePath: files.certificate, keyPath: files.key))
        let server = try await TLSTestServer.start(configuration: provider.makeServerTLSConfiguration())

        let tls12 = try await SClient.connect(port: server.port, extraArguments: ["-tls1_2"], folder: folder)
        #expect(tls12.greeted)
        #expect(tls12.result.stdout.contains("TLSv1.2"))
        let tls13 = try await SClient.connect(port: server.port, extraArguments: ["-tls1_3"], folder: folder)
        #expect(tls13.greeted)
        #expect(tls13.result.stdout.contains("TLSv1.3"))

        // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all, so the refusal comes from the server.
        let tls11 = try await SClient.connect(
            port: server.port,
            extraArguments: ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"],
            folder: folder
        )
        #expect(!tls11.result.succeeded)
        #expect(!tls11.greeted)
        #expect(tls11.serial == nil)
        #expect(tls11.result.stderr.contains("alert protocol version"), "stderr:\n\(tls11.result.stderr)")
        try await server.stop()
    }

    @Test("with clientCAs, a client without a certificate is refused and one signed by that CA is admitted")
    func clientCertificatesAreRequired() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-provider")
        defer { folder.remove() }
        let serverFiles = try await OpenSSL.selfSigned(in: folder, name: "server")
        let clientCA = try await OpenSSL.selfSigned(
            in: folder,
            name: "client-ca",
            extraExtensions: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign"]
        )
        let clientKey = folder.file("client.key")
        let clientRequest = folder.file("client.csr")
        let clientCertificate = folder.file("client.pem")
        let extensions = folder.file("client.ext")
        try "extendedKeyUsage=clientAuth\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try await OpenSSL.run([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", clientKey, "-out", clientRequest, "-subj", "/CN=docker-client",
        ])
        try await OpenSSL.run([
            "x509", "-req", "-in", clientRequest, "-CA", clientCA.certificate, "-CAkey", clientCA.key,
            "-CAcreateserial", "-out", clientCertificate, "-days", "2", "-extfile", extensions,
        ])
        let stranger = try await OpenSSL.selfSigned(in: folder, name: "stranger")

        let provider = CertificateProvider(
            initial: try await CertificatePair.load(certificatePath: serverFiles.certificate, keyPath: serverFiles.key)
        )
        let configuration = provider.makeServerTLSConfiguration(
            clientCAs: try NIOSSLCertificate.fromPEMFile(clientCA.certificate)
        )
        let server = try await TLSTestServer.start(configuration: configuration)

        for version in ["-tls1_2", "-tls1_3"] {
            let anonymous = try await SClient.connect(port: server.port, extraArguments: [version], folder: folder)
            #expect(!anonymous.greeted, "\(version) without a client certificate:\n\(anonymous.result.stdout)")

            let unknown = try await SClient.connect(
                port: server.port,
                extraArguments: [version, "-cert", stranger.certificate, "-key", stranger.key],
                folder: folder
            )
            #expect(!unknown.greeted, "\(version) with a certificate from another CA:\n\(unknown.result.stdout)")

            let admitted = try await SClient.connect(
                port: server.port,
                extraArguments: [version, "-cert", clientCertificate, "-key", clientKey],
                folder: folder
            )
            #expect(admitted.greeted, "\(version) with a client certificate:\n\(admitted.result.stdout)\n\(admitted.result.stderr)")
        }
        // The server asks for certificates from the configured CA by name.
        let listed = try await SClient.connect(port: server.port, extraArguments: ["-tls1_2"], folder: folder)
        #expect(listed.result.stdout.contains("Acceptable client certificate CA names"))
        try await server.stop()
    }

    @Test("a connection open across an install keeps working and keeps its certificate")
    func establishedConnectionSurvivesInstall() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-provider")
        defer { folder.remove() }
        let first = try await OpenSSL.selfSigned(in: folder, name: "a")
        let second = try await OpenSSL.selfSigned(in: folder, name: "b")
        let pairA = try await CertificatePair.load(certificatePath: first.certificate, keyPath: first.key)
        let pairB = try await CertificatePair.load(certificatePath: second.certificate, keyPath: second.key)
        let provider = CertificateProvider(initial: pairA)
        let server = try await TLSTestServer.start(configuration: provider.makeServerTLSConfiguration(), mode: .echo)

        try await TLSTestClient.withConnection(port: server.port) { client in
            #expect(try await client.exchange("before") == "before")
            #expect(try await client.peerCertificate() == pairA.chain[0])

            try provider.install(pairB)
            try await TLSTestClient.withConnection(port: server.port) { (newcomer: TLSTestClient) async throws in
                #expect(try await newcomer.exchange("newcomer") == "newcomer")
                #expect(try await newcomer.peerCertificate() == pairB.chain[0])
            }

            #expect(try await client.exchange("after") == "after")
            #expect(try await client.peerCertificate() == pairA.chain[0])
        }
        try await server.stop()
    }

    @Test("install refuses an expired pair and the current one keeps serving")
    func installRefusesExpired() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-provider")
        defer { folder.remove() }
        let current = try await OpenSSL.selfSigned(in: folder, name: "current")
        let expired = try await OpenSSL.selfSignedWithDates(
            in: folder, name: "expired", start: "20200101000000Z", end: "20200102000000Z"
        )
        let inside = try #require(ISO8601DateFormatter().date(from: "2020-01-01T12:00:00Z"))
        let expiredPair = try await CertificatePair.load(certificatePath: expired.certificate, keyPath: expired.key, now: inside)
        let currentPair = try await CertificatePair.load(certificatePath: current.certificate, keyPath: current.key)
        let provider = CertificateProvider(initial: currentPair)
        let error = try #require(throws: TLSCertificateError.self) {
            try provider.install(expiredPair)
        }
        #expect(error.kind == .expired)
        #expect(provider.current.serialNumberHex == currentPair.serialNumberHex)
    }
}

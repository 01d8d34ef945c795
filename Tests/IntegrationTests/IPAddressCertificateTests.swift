import Foundation
import Testing
import WharfTesting

@Suite("certificates for IP addresses (RFC 8738) from Pebble, by HTTP-01 and by TLS-ALPN-01")
struct IPAddressCertificateTests {
    /// Polls until Wharf serves a chain that verifies against `rootPath` for the address 127.0.0.1; the leaf's text.
    static func waitForVerifiedAddress(port: Int, rootPath: String) async throws -> String? {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let script = "\(openssl) s_client -connect 127.0.0.1:\(port) -CAfile \(rootPath) -verify_ip 127.0.0.1 </dev/null 2>/dev/null"
        for _ in 0..<300 {
            let handshake = try await Command.run("/bin/sh", ["-c", script])
            if handshake.stdout.contains("Verify return code: 0 (ok)") {
                return try await Command.run("/bin/sh", ["-c", "\(script) | \(openssl) x509 -noout -text"]).stdout
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Pebble (validating HTTP-01 on `httpPort`, TLS-ALPN-01 on `tlsPort`), an upstream, and Wharf
    /// on `port` ordering for 127.0.0.1 with `challenge`; the leaf's text once it verifies, and Wharf's log.
    static func obtain(challenge: String, port: Int, httpPort: Int, tlsPort: Int, extra: String) async throws -> (leaf: String?, log: String) {
        let folder = try TemporaryFolder(prefix: "wharf-ip-\(challenge)")
        defer { folder.remove() }
        var options = PebbleOptions(httpPort: httpPort)
        options.tlsPort = tlsPort
        let (pebble, upstream, rootPath) = try await TLSALPNChallengeTests.peers(in: folder, options: options)
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            httpYAML: TLSALPNChallengeTests.acmeYAML(hosts: "[127.0.0.1]", challenge: challenge, pebble: pebble, state: folder.file("state"), extra: extra),
            port: port
        )
        let leaf = try await Self.waitForVerifiedAddress(port: port, rootPath: rootPath)
        let log = wharf.log()
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
        return (leaf, log)
    }

    @Test("127.0.0.1 by HTTP-01: an ip identifier, the address as the certificate's IP SAN")
    func byHTTP01() async throws {
        let plainPort = try FreePort.make()
        let (leaf, log) = try await Self.obtain(
            challenge: "http-01", port: try FreePort.make(), httpPort: plainPort, tlsPort: try FreePort.make(), extra: "      httpaddr: 127.0.0.1:\(plainPort)")
        #expect(leaf?.contains("IP Address:127.0.0.1") == true, "a certificate for 127.0.0.1 verifies against Pebble's root\n\(log.suffix(3000))")
        #expect(leaf?.contains("DNS:") == false, "no DNS name on it")
    }

    @Test("127.0.0.1 by TLS-ALPN-01: the validator's SNI is 1.0.0.127.in-addr.arpa, answered on the main port")
    func byTLSALPN01() async throws {
        let port = try FreePort.make()
        let (leaf, log) = try await Self.obtain(challenge: "tls-alpn-01", port: port, httpPort: try FreePort.make(), tlsPort: port, extra: "")
        #expect(leaf?.contains("IP Address:127.0.0.1") == true, "a certificate for 127.0.0.1 verifies against Pebble's root\n\(log.suffix(3000))")
        let answered = log.split(separator: "\n").first { $0.contains("answering a TLS-ALPN-01 validation handshake") } ?? ""
        #expect(answered.contains("1.0.0.127.in-addr.arpa"), "\(answered)")
    }
}

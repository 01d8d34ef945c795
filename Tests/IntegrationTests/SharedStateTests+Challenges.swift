import Foundation
import Testing
import WharfTesting

/// The challenge is answered by whichever instance the validator reaches. B starts first, with a
/// challenge type Pebble cannot validate at B, so its own order fails and A (started next) is the
/// one that orders; Pebble's validator can reach only B.
extension SharedStateTests {
    @Test("HTTP-01: A orders, Pebble's validator reaches only B's plain listener, B answers from the shared state, both serve the certificate")
    func http01AnsweredByOtherInstance() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-shared-http01")
        defer { folder.remove() }
        let (pebble, plainPortB, upstream) = try await ACMEServingTests.peers(in: folder)
        let state = folder.file("shared-acme")
        let b = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPortB, pebble: pebble, state: state, extra: "      challenge: tls-alpn-01"), name: "b"
        )
        try await b.waitForLog(containing: "obtaining a certificate failed", timeout: .seconds(60))
        let a = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: try FreePort.make(), pebble: pebble, state: state), name: "a"
        )
        try await Self.expectBothServe(a: a, b: b, pebble: pebble, folder: folder, state: state)
        await a.stop()
        await b.stop()
        await upstream.stop()
        await pebble.stop()
    }

    @Test("TLS-ALPN-01: A orders, Pebble's validator reaches only B's TLS port, B makes the validation certificate from the shared state, both serve the certificate")
    func tlsALPN01AnsweredByOtherInstance() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-shared-alpn")
        defer { folder.remove() }
        let portB = try FreePort.make()
        var options = PebbleOptions(httpPort: try FreePort.make())   // nothing listens for HTTP-01
        options.tlsPort = portB
        let (pebble, upstream, _) = try await TLSALPNChallengeTests.peers(in: folder, options: options)
        let state = folder.file("shared-acme")
        let hosts = "[mirror.example.test]"
        let b = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: TLSALPNChallengeTests.acmeYAML(
                hosts: hosts, challenge: "http-01", pebble: pebble, state: state, extra: "      httpaddr: 127.0.0.1:\(try FreePort.make())"),
            name: "b", port: portB
        )
        try await b.waitForLog(containing: "obtaining a certificate failed", timeout: .seconds(60))
        let a = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: TLSALPNChallengeTests.acmeYAML(hosts: hosts, challenge: "tls-alpn-01", pebble: pebble, state: state), name: "a"
        )
        try await Self.expectBothServe(a: a, b: b, pebble: pebble, folder: folder, state: state)
        #expect(b.log().contains("answering a TLS-ALPN-01 validation handshake"), "B answered the validation handshake on its TLS port")
        await a.stop()
        await b.stop()
        await upstream.stop()
        await pebble.stop()
    }

    /// A orders and gets the certificate; B answered the validator from the shared state and,
    /// at its next attempt (a minute after its own failed one), serves the same certificate.
    static func expectBothServe(a: WharfProcess, b: WharfProcess, pebble: PebblePeer, folder: TemporaryFolder, state: String) async throws {
        let rootPath = folder.file("root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        let servedA = try await ACMEServingTests.waitForVerified(port: a.port, name: "mirror.example.test", rootPath: rootPath, attempts: 600)
        #expect(servedA?.verified == true, "A obtained the certificate\n\(a.log().suffix(3000))\n--- B:\n\(b.log().suffix(3000))")
        #expect(a.log().contains("ordering a certificate"), "A ordered")
        #expect(b.log().contains("answering a challenge another instance published"), "B answered from the shared state\n\(b.log().suffix(3000))")
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: "\(state)/challenges")) ?? []
        #expect(leftovers.isEmpty, "the published challenges are removed when the order ends: \(leftovers)")
        let servedB = try await ACMEServingTests.waitForVerified(port: b.port, name: "mirror.example.test", rootPath: rootPath, attempts: 1200)
        #expect(servedB?.verified == true, "B serves the certificate A stored\n\(b.log().suffix(3000))")
        #expect(servedA?.serial == servedB?.serial, "both serve the one certificate")
    }
}

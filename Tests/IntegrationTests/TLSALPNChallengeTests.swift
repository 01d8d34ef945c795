import Foundation
import Synchronization
import Testing
import WharfTesting

@Suite("TLS-ALPN-01 on the main TLS port: validation handshakes next to ordinary clients")
struct TLSALPNChallengeTests {
    /// What `openssl s_client -alpn <protocols>` saw: the ALPN result line and the leaf's text.
    static func handshake(port: Int, serverName: String, alpn: String) async throws -> (alpn: String, certificate: String) {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let script = "\(openssl) s_client -connect 127.0.0.1:\(port) -servername \(serverName) -alpn \(alpn) </dev/null 2>/dev/null"
        let session = try await Command.run("/bin/sh", ["-c", script])
        let text = try await Command.run("/bin/sh", ["-c", "\(script) | \(openssl) x509 -noout -text"])
        let alpnLine = session.stdout.split(separator: "\n").first { $0.contains("ALPN") }.map(String.init) ?? "(no ALPN line)"
        return (alpnLine, text.stdout)
    }

    /// Pebble with `options` and an upstream registry, started together, and Pebble's root written to `pebble-root.pem`.
    static func peers(in folder: TemporaryFolder, options: PebbleOptions) async throws -> (pebble: PebblePeer, upstream: DockerRegistryPeer, rootPath: String) {
        async let pebbleStart = PebblePeer.start(in: folder, options: options)
        async let upstreamStart = DockerRegistryPeer.start(in: folder)
        let (pebble, upstream) = (try await pebbleStart, try await upstreamStart)
        let rootPath = folder.file("pebble-root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        return (pebble, upstream, rootPath)
    }

    /// The `http:` keys for ACME from `pebble` with `challenge`; `extra` holds more `letsencrypt` keys.
    static func acmeYAML(hosts: String, challenge: String, pebble: PebblePeer, state: String, extra: String = "") -> String {
        """
          tls:
            letsencrypt:
              hosts: \(hosts)
              challenge: \(challenge)
              directoryurl: \(pebble.directoryURL)
              cabundle: \(pebble.caBundlePath)
              cachefile: \(state)
        \(extra)
        """
    }

    /// skopeo pulls through Wharf's TLS port one after another until `done`; each pull's exit status.
    static func pullRepeatedly(port: Int, folder: TemporaryFolder, until done: StopFlag) async throws -> [Int32] {
        var statuses: [Int32] = []
        while !done.isSet {
            let pull = try await Skopeo.copy(
                "docker://127.0.0.1:\(port)/library/test:latest", "dir:\(folder.file("pull-\(statuses.count)"))", arguments: ["--src-tls-verify=false"])
            statuses.append(pull.status)
        }
        return statuses
    }

    @Test("a ClientHello offering only acme-tls/1 for a name with no pending challenge gets the ordinary certificate and no acme-tls/1")
    func noPendingChallenge() async throws {
        let setup = try await TLSServingTests.Setup.start("alpn-none")
        let acme = try await Self.handshake(port: setup.wharf.port, serverName: "localhost", alpn: "acme-tls/1")
        #expect(!acme.certificate.isEmpty, "a certificate was presented")
        #expect(!acme.certificate.contains("1.3.6.1.5.5.7.1.31"), "no acmeIdentifier extension:\n\(acme.certificate)")
        #expect(acme.certificate.contains("Issuer: CN = test-ca"), "the configured certificate:\n\(acme.certificate)")
        #expect(acme.alpn.contains("No ALPN negotiated"), "\(acme.alpn)")
        let ordinary = try await Self.handshake(port: setup.wharf.port, serverName: "localhost", alpn: "h2,http/1.1")
        #expect(ordinary.alpn.contains("ALPN protocol: h2"), "the ordinary pipeline is untouched: \(ordinary.alpn)")
        let pull = try await Skopeo.copy("docker://localhost:\(setup.wharf.port)/library/test:latest", "dir:\(setup.folder.file("pulled"))", arguments: ["--src-cert-dir", setup.certDir])
        #expect(pull.status == 0, "\(pull.summary)")
        await setup.stop()
    }

    @Test("a ClientHello split over several TLS records reaches the ordinary pipeline whole: h2 is negotiated")
    func fragmentedHello() async throws {
        let setup = try await TLSServingTests.Setup.start("alpn-fragmented")
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        // Long unknown protocol names make the hello over 1 KiB; -max_send_frag 512 cuts it into records.
        let filler = (1...4).map { String(repeating: Character(String($0)), count: 200) }
        let alpn = (filler + ["h2"]).joined(separator: ",")
        let script = "\(openssl) s_client -connect 127.0.0.1:\(setup.wharf.port) -servername localhost -max_send_frag 512 -msg -alpn \(alpn) </dev/null 2>/dev/null"
        let session = try await Command.run("/bin/sh", ["-c", script])
        // -msg shows each record header sent; those before the server's first answer carry the ClientHello.
        let sent = session.stdout.split(separator: "\n").prefix { !$0.hasPrefix("<<<") }
        let records = sent.filter { $0.contains("RecordHeader") }.count
        #expect(records >= 2, "the ClientHello went out in \(records) records:\n\(sent.joined(separator: "\n"))")
        #expect(session.stdout.contains("ALPN protocol: h2"), "\(session.stdout.suffix(1500))")
        await setup.stop()
    }

    @Test("a connection that never sends its ClientHello does not hold up shutdown")
    func silentConnectionAtShutdown() async throws {
        let setup = try await TLSServingTests.Setup.start("alpn-silent")
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(setup.wharf.port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(connected == 0)
        // A handshake on another connection after it: the silent one was accepted first.
        #expect(try await Self.handshake(port: setup.wharf.port, serverName: "localhost", alpn: "http/1.1").certificate.contains("test-ca"))
        setup.wharf.send(SIGTERM)
        let status = try await setup.wharf.waitForExit(timeout: .seconds(20))
        #expect(status != nil, "wharf exits on SIGTERM while a connection has sent nothing (the ClientHello limit is 30 s)")
        await setup.stop()
    }

    @Test("a certificate by TLS-ALPN-01 with no plain listener, while skopeo pulls over the same port during the validation")
    func obtainsWithoutPlainListener() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-alpn")
        defer { folder.remove() }
        let port = try FreePort.make()
        var options = PebbleOptions(httpPort: try FreePort.make())   // nothing listens for HTTP-01
        options.tlsPort = port
        let (pebble, upstream, rootPath) = try await Self.peers(in: folder, options: options)
        let seeder = RegistrySeeder(baseURL: upstream.url)
        try await seeder.push(try ImageFactory.image(layerSizes: [200_000], seed: 18), repository: "library/test", tag: "latest")
        try await seeder.shutdown()

        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            httpYAML: Self.acmeYAML(hosts: "[mirror.example.test]", challenge: "tls-alpn-01", pebble: pebble, state: folder.file("state")),
            port: port
        )
        let done = StopFlag()
        async let pulling = Self.pullRepeatedly(port: port, folder: folder, until: done)
        let issued = try await ACMEServingTests.waitForVerified(port: port, name: "mirror.example.test", rootPath: rootPath, attempts: 300)?.verified == true
        done.set()
        let statuses = try await pulling
        print("TLS-ALPN-01: \(statuses.count) skopeo pulls over the TLS port while the certificate was ordered and validated")
        let log = wharf.log()
        #expect(issued, "the TLS-ALPN-01 certificate verifies against Pebble's root\n\(log.suffix(3000))")
        #expect(log.contains("answering a TLS-ALPN-01 validation handshake"), "Pebble's validator was answered on the main port")
        #expect(!log.contains("plain listener"), "no plain listener runs")
        #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == 0 }, "every skopeo pull during the validation succeeded: \(statuses)")
        let after = try await Skopeo.copy("docker://127.0.0.1:\(port)/library/test:latest", "dir:\(folder.file("after"))", arguments: ["--src-tls-verify=false"])
        #expect(after.status == 0, "\(after.summary)")
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
    }
}

/// Tells a loop in another task to stop after its current round.
final class StopFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}

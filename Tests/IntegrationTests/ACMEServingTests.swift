import Foundation
import Testing
import WharfTesting

@Suite("Wharf gets its own certificates from an ACME CA (Pebble) over HTTP-01")
struct ACMEServingTests {
    /// The issuer and serial of the certificate Wharf presents for `name`, and whether it verifies against `rootPath`.
    static func served(port: Int, name: String, rootPath: String?) async throws -> (issuer: String, serial: String, verified: Bool)? {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let verify = rootPath.map { "-CAfile \($0) -verify_hostname \(name)" } ?? ""
        let script = "\(openssl) s_client -connect 127.0.0.1:\(port) -servername \(name) \(verify) </dev/null 2>/dev/null"
        let handshake = try await Command.run("/bin/sh", ["-c", script])
        let details = try await Command.run("/bin/sh", ["-c", "\(script) | \(openssl) x509 -noout -issuer -serial"])
        guard details.status == 0 else { return nil }
        let lines = details.stdout.split(separator: "\n").map(String.init)
        let issuer = lines.first { $0.hasPrefix("issuer=") } ?? ""
        let serial = lines.first { $0.hasPrefix("serial=") }.map { String($0.dropFirst(7)) } ?? ""
        return (issuer, serial, handshake.stdout.contains("Verify return code: 0 (ok)"))
    }

    /// Polls until Wharf serves a certificate for `name` that verifies against `rootPath` (up to `attempts` × 100 ms).
    static func waitForVerified(port: Int, name: String, rootPath: String, attempts: Int = 300) async throws -> (issuer: String, serial: String, verified: Bool)? {
        var served: (issuer: String, serial: String, verified: Bool)?
        for _ in 0..<attempts where served?.verified != true {
            try await Task.sleep(for: .milliseconds(100))
            served = try await Self.served(port: port, name: name, rootPath: rootPath)
        }
        return served
    }

    /// Pebble validating HTTP-01 on a fresh port (where Wharf's plain listener goes), issuing
    /// certificates valid for `validity` seconds when given, and an upstream registry, started together.
    static func peers(
        in folder: TemporaryFolder,
        validity: Int? = nil,
        nonceRejectPercent: Int? = nil
    ) async throws -> (pebble: PebblePeer, plainPort: Int, upstream: DockerRegistryPeer) {
        let plainPort = try FreePort.make()
        var options = PebbleOptions(httpPort: plainPort)
        if let validity { options.certificateValidityPeriod = validity }
        if let nonceRejectPercent { options.nonceRejectPercent = nonceRejectPercent }
        async let pebble = PebblePeer.start(in: folder, options: options)
        async let upstream = DockerRegistryPeer.start(in: folder)
        return (try await pebble, plainPort, try await upstream)
    }

    /// The `http:` keys for ACME from `pebble` (or from `directoryURL`, an ARI front server trusted
    /// through Pebble's CA bundle); `extra` holds more `letsencrypt` keys, indented by six spaces.
    static func config(port: Int, plainPort: Int, pebble: PebblePeer, state: String, directoryURL: String? = nil, extra: String = "") -> String {
        """
          tls:
            letsencrypt:
              hosts: [mirror.example.test, www.example.test]
              directoryurl: \(directoryURL ?? pebble.directoryURL)
              cabundle: \(pebble.caBundlePath)
              cachefile: \(state)
              email: ops@example.test
              httpaddr: 127.0.0.1:\(plainPort)
        \(extra)
        """
    }

    @Test("a certificate for two names is obtained, served and verifies against Pebble's root; a restart reuses it")
    func obtainsAndServes() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-acme")
        defer { folder.remove() }
        let (pebble, plainPort, upstream) = try await ACMEServingTests.peers(in: folder, nonceRejectPercent: 30)
        let state = folder.file("acme-state")
        let started = ContinuousClock.now
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            httpYAML: Self.config(port: 0, plainPort: plainPort, pebble: pebble, state: state)
        )
        // Start-up never waits on the CA: something is served at once.
        #expect(try await Self.served(port: wharf.port, name: "mirror.example.test", rootPath: nil) != nil)
        let rootPath = folder.file("pebble-root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        var issued = try await Self.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: rootPath, attempts: 150)
        let elapsed = ContinuousClock.now - started
        #expect(issued?.verified == true, "the served chain verifies against Pebble's root\n\(wharf.log().suffix(3000))")
        #expect(try await Self.served(port: wharf.port, name: "www.example.test", rootPath: rootPath)?.verified == true)
        print("ACME HTTP-01: from wharf serve to the first handshake with the issued certificate: \(elapsed)")
        #expect(FileManager.default.fileExists(atPath: state + "/account.key"))

        let status = try await Command.run(try WharfProcess.binaryPath(), ["cert", "status", "--config", wharf.configPath])
        #expect(status.status == 0, "\(status.summary)")
        #expect(status.stdout.contains("mirror.example.test, www.example.test"))
        #expect(status.stdout.contains("days left:"))
        #expect(status.stdout.contains("serial:       \(issued?.serial ?? "-")"), "\(status.stdout)")

        let renew = try await Command.run(try WharfProcess.binaryPath(), ["cert", "renew", "--force", "--config", wharf.configPath])
        #expect(renew.status == 0, "\(renew.summary)")
        var renewed = issued
        for _ in 0..<100 where renewed?.serial == issued?.serial {
            try await Task.sleep(for: .milliseconds(100))
            renewed = try await Self.served(port: wharf.port, name: "mirror.example.test", rootPath: rootPath)
        }
        #expect(renewed?.serial != issued?.serial, "wharf cert renew --force makes the server order a new certificate")
        #expect(renewed?.verified == true)
        issued = renewed

        let accounts = pebble.accountCount()
        let restarted = try await wharf.restarted()
        let afterRestart = try await Self.served(port: restarted.port, name: "mirror.example.test", rootPath: rootPath)
        #expect(afterRestart?.serial == issued?.serial, "a restart with the state folder kept serves the same certificate")
        #expect(pebble.accountCount() == accounts, "no new account")
        #expect(restarted.log().contains("serving the stored ACME certificate"))
        await restarted.stop()
        await upstream.stop()
        await pebble.stop()
    }

    @Test("a validator that cannot reach the plain listener: a clear error naming the host, the temporary certificate keeps serving")
    func unreachableValidator() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-acme-fail")
        defer { folder.remove() }
        let pebblePort = try FreePort.make()   // Pebble's validator dials this port; nothing listens there.
        let pebble = try await PebblePeer.start(in: folder, options: PebbleOptions(httpPort: pebblePort))
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            httpYAML: Self.config(port: 0, plainPort: try FreePort.make(), pebble: pebble, state: folder.file("state"))
        )
        var log = ""
        for _ in 0..<100 where !log.contains("obtaining a certificate failed") {
            try await Task.sleep(for: .milliseconds(100))
            log = wharf.log()
        }
        #expect(log.contains("obtaining a certificate failed"), "\(log.suffix(2000))")
        #expect(log.contains("mirror.example.test") || log.contains("www.example.test"))
        #expect(log.contains("error=http-01: the CA could not validate"), "the failure names the challenge: \(log.suffix(2000))")
        #expect(wharf.isRunning)
        #expect(try await Self.served(port: wharf.port, name: "mirror.example.test", rootPath: nil) != nil, "the temporary certificate keeps serving")
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
    }
}

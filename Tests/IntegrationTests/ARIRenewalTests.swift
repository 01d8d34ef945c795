import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("ACME Renewal Information (RFC 9773) and certificate profiles, against Pebble behind an ARI front server")
struct ARIRenewalTests {
    @Test("a CA window of now renews a five-year certificate at once; Wharf asked about the first certificate by its RFC 9773 ID and replaced it")
    func renewsWhenTheWindowSaysNow() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-ari")
        defer { folder.remove() }
        let plainPort = try FreePort.make()
        let pebble = try await PebblePeer.start(in: folder, options: PebbleOptions(httpPort: plainPort))
        // The first certificate asked about is to be renewed now; later ones in a month.
        let front = try await ARIFrontServer.start(in: folder, pebble: pebble, profiles: ["classic": "90 days", "shortlived": "6 days"]) { _, earlier in
            earlier.isEmpty ? .renewNow(retryAfter: 3600) : .later(days: 30)
        }
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let wharf = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(
                port: 0, plainPort: plainPort, pebble: pebble, state: folder.file("acme"), directoryURL: front.directoryURL, extra: "      profile: classic\n"
            )
        )
        let rootPath = folder.file("root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)

        var installed: [String] = []
        for _ in 0..<300 where installed.count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            installed = Self.installedSerials(wharf.log())
        }
        try #require(installed.count >= 2, "a second certificate follows the first at once\n\(wharf.log().suffix(3000))")
        let served = try await ACMEServingTests.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: rootPath)
        #expect(served?.verified == true)
        #expect(served?.serial != installed[0], "the first certificate is no longer served")

        // What Wharf asked the CA about is the first certificate's ID, worked out by openssl
        // from the certificate Pebble issued under that serial.
        let firstPEM = try await Self.certificatePEM(pebble: pebble, serial: installed[0])
        let firstID = try await CertificateIDText.of(certificatePEM: firstPEM)
        #expect(front.requestedIDs.first == firstID)
        let log = wharf.log()
        #expect(log.contains("the order replaces an earlier certificate") && log.contains(firstID), "the renewal order carried replaces = \(firstID)")
        #expect(log.contains("the CA suggests a renewal window"))
        #expect(log.contains("ordering certificates with a profile"))
        // The second certificate was asked about too, and its month-away window is the plan.
        var asked = front.requestedIDs
        for _ in 0..<100 where Set(asked).count < 2 {
            try await Task.sleep(for: .milliseconds(100))
            asked = front.requestedIDs
        }
        #expect(Set(asked).count == 2, "\(asked)")
        #expect(Self.installedSerials(wharf.log()).count == 2, "no third certificate: the new window is a month away")
        let status = try await Command.run(try WharfProcess.binaryPath(), ["cert", "status", "--config", wharf.configPath])
        #expect(status.stdout.contains("next renewal: in the CA's window"), "wharf cert status asks the CA too\n\(status.summary)")
        await wharf.stop()
        await upstream.stop()
        await front.stop()
        await pebble.stop()
    }

    @Test("a profile the CA does not list does not stop start-up: Wharf serves, orders nothing, and its log, metric and cert status name the key and the CA's profiles; a CA without profiles only warns")
    func profileChecks() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-profile")
        defer { folder.remove() }
        let plainPort = try FreePort.make()
        let debugPort = try FreePort.make()
        let pebble = try await PebblePeer.start(in: folder, options: PebbleOptions(httpPort: plainPort))
        let front = try await ARIFrontServer.start(in: folder, pebble: pebble, profiles: ["classic": "90 days", "shortlived": "6 days"]) { _, _ in .later() }
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let config = ACMEServingTests.config(
            port: 0, plainPort: plainPort, pebble: pebble, state: folder.file("acme"), directoryURL: front.directoryURL, extra: "      profile: tlsserver\n"
        )
        let wharf = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url, httpYAML: config + "  debug:\n    addr: 127.0.0.1:\(debugPort)\n", name: "unknown-profile"
        )
        #expect(try await ACMEServingTests.served(port: wharf.port, name: "mirror.example.test", rootPath: nil) != nil, "it serves at once")
        let rejection = try await Self.logLine(of: wharf, containing: "does not offer the configured certificate profile")
        #expect(
            rejection.contains("unknown-profile.yml:") && rejection.contains("http.tls.letsencrypt.profile")
                && rejection.contains("\"tlsserver\"") && rejection.contains("classic, shortlived"),
            "\(rejection)"
        )
        let metrics = try await HTTPProbe.send(.GET, "http://127.0.0.1:\(debugPort)/metrics")
        #expect(metrics.body.contains("wharf_acme_profile_valid 0"), "\(metrics.body)")
        // Each attempt fails before the order is sent, and is logged as a failure.
        _ = try await Self.logLine(of: wharf, containing: "obtaining a certificate failed")
        let status = try await Command.run(try WharfProcess.binaryPath(), ["cert", "status", "--config", wharf.configPath])
        let lastError = status.stdout.split(separator: "\n").first { $0.contains("last error:") } ?? ""
        #expect(lastError.contains("tlsserver") && lastError.contains("classic, shortlived"), "\(status.summary)")
        #expect(status.stdout.contains("none issued yet"), "\(status.summary)")
        #expect(!wharf.log().contains("installed a certificate from the ACME CA"))
        await wharf.stop()

        let plain = try await WharfProcess.start(
            in: folder, upstreamURL: upstream.url,
            httpYAML: ACMEServingTests.config(port: 0, plainPort: plainPort, pebble: pebble, state: folder.file("acme"), extra: "      profile: classic\n"),
            name: "no-profiles"
        )
        _ = try await Self.logLine(of: plain, containing: "lists no certificate profiles")
        await plain.stop()
        await upstream.stop()
        await front.stop()
        await pebble.stop()
    }

    /// The first line of `wharf`'s log that contains `text`, waiting up to 30 s for it.
    static func logLine(of wharf: WharfProcess, containing text: String) async throws -> String {
        for _ in 0..<300 {
            if let line = wharf.log().split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestSupportError("no log line contains \(String(reflecting: text))\n\(wharf.log().suffix(3000))")
    }

    /// The serials of the certificates Wharf installed from the CA, in order.
    static func installedSerials(_ log: String) -> [String] {
        log.split(separator: "\n").filter { $0.contains("installed a certificate from the ACME CA") }.compactMap { line in
            guard let range = line.range(of: " serial=") else { return nil }
            return String(line[range.upperBound...].prefix { !$0.isWhitespace })
        }
    }

    /// The PEM of the certificate Pebble issued with `serial`, from its management port.
    static func certificatePEM(pebble: PebblePeer, serial: String) async throws -> String {
        let status = try await pebble.certificateStatus(serial: serial)
        let object = try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any]
        return try #require(object?["Certificate"] as? String, "Pebble's status for \(serial): \(status)")
    }
}

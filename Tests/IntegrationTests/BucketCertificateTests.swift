import AsyncHTTPClient
import Foundation
import S3
import Testing
import WharfTesting

/// Two Wharf instances on one SeaweedFS bucket behind nginx: the ACME state is in the bucket,
/// so the fleet orders one certificate and both serve it.
@Suite("the certificate state in the bucket, one order for the fleet")
struct BucketCertificateTests {
    /// `http.tls.letsencrypt` with no `cachefile`: with `storage.s3` the state is in the bucket.
    /// `extra` holds more `letsencrypt` keys, indented by six spaces.
    static func acmeYAML(pebble: PebblePeer, extra: String) -> String {
        """
          tls:
            letsencrypt:
              hosts: [mirror.example.test, www.example.test]
              directoryurl: \(pebble.directoryURL)
              cabundle: \(pebble.caBundlePath)
              email: ops@example.test
        \(extra)
        """
    }

    @Test("HTTP-01 through nginx round-robin: one order, the token answered by both instances, both serve the one certificate")
    func http01() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-bucket-http01")
        defer { folder.remove() }
        let seaweed = try await SeaweedFSPeer.shared()
        let bucket = try await seaweed.makeBucket(prefix: "certs")
        let (plainA, plainB) = (try FreePort.make(), try FreePort.make())
        // Pebble's validator reaches the two plain listeners only through nginx, in turn.
        let nginx = try await NginxPeer.start(backends: ["127.0.0.1:\(plainA)", "127.0.0.1:\(plainB)"])
        async let pebbleStart = PebblePeer.start(in: folder, options: PebbleOptions(httpPort: nginx.port))
        async let upstreamStart = DockerRegistryPeer.start(in: folder)
        let (pebble, upstream) = try await (pebbleStart, upstreamStart)
        let storage = S3Fleet.storageYAML(peer: seaweed, bucket: bucket)
        // Both start before either has a certificate, and race for the order lock in the bucket
        // once the test lets go of it: by then both listen, so the validator finds both.
        try await Self.orderLock(seaweed: seaweed, bucket: bucket, hold: true)
        async let startA = WharfProcess.start(
            in: folder, upstreamURL: upstream.url, httpYAML: Self.acmeYAML(pebble: pebble, extra: "      httpaddr: 127.0.0.1:\(plainA)"), name: "a", storageDriverYAML: storage)
        async let startB = WharfProcess.start(
            in: folder, upstreamURL: upstream.url, httpYAML: Self.acmeYAML(pebble: pebble, extra: "      httpaddr: 127.0.0.1:\(plainB)"), name: "b", storageDriverYAML: storage)
        let (a, b) = try await (startA, startB)
        try await Self.orderLock(seaweed: seaweed, bucket: bucket, hold: false)

        let other = try await Self.expectOneOrderServedByBoth(a: a, b: b, pebble: pebble, seaweed: seaweed, bucket: bucket, folder: folder)
        // Two names, two validation requests, nginx in turn: each instance answered one.
        let challenged = Set(nginx.backends(uriContains: "/.well-known/acme-challenge/"))
        #expect(challenged == ["127.0.0.1:\(plainA)", "127.0.0.1:\(plainB)"], "the validator reached both instances: \(challenged)")
        #expect(other?.log().contains("answering a challenge another instance published") == true, "the instance that did not order answered from the bucket")

        // `wharf cert renew --force` leaves one request in the bucket: one instance takes it and
        // orders, the other finds the new certificate in the bucket (it looks every 30 s).
        let before = try await ACMEServingTests.served(port: a.port, name: "mirror.example.test", rootPath: nil)?.serial
        let renew = try await Command.run(try WharfProcess.binaryPath(), ["cert", "renew", "--force", "--config", b.configPath])
        #expect(renew.status == 0 && renew.stdout.contains("s3://\(bucket)/fleet/acme"), "\(renew.summary)")
        let renewedA = try await Self.waitForSerial(other: before, port: a.port)
        let renewedB = try await Self.waitForSerial(other: before, port: b.port)
        #expect(renewedA != nil && renewedA == renewedB, "both serve the one renewed certificate: \(String(describing: renewedA)), \(String(describing: renewedB))")
        let fromCA = [a, b].map { $0.log().components(separatedBy: "installed a certificate from the ACME CA").count - 1 }.reduce(0, +)
        #expect(fromCA == 2, "one order for the renewal too")

        await a.stop()
        await b.stop()
        await nginx.stop()
        await upstream.stop()
        await pebble.stop()
    }

    @Test("TLS-ALPN-01 through an nginx stream round-robin: one order, the validation handshakes answered by both instances, both serve the one certificate")
    func tlsALPN01() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-bucket-alpn")
        defer { folder.remove() }
        let seaweed = try await SeaweedFSPeer.shared()
        let bucket = try await seaweed.makeBucket(prefix: "certs")
        let (portA, portB) = (try FreePort.make(), try FreePort.make())
        // Pebble's validator reaches the two TLS listeners only through nginx, in turn.
        let nginx = try await NginxPeer.startStream(backends: ["127.0.0.1:\(portA)", "127.0.0.1:\(portB)"])
        var options = PebbleOptions(httpPort: try FreePort.make())   // nothing listens for HTTP-01
        options.tlsPort = nginx.port
        async let pebbleStart = PebblePeer.start(in: folder, options: options)
        async let upstreamStart = DockerRegistryPeer.start(in: folder)
        let (pebble, upstream) = try await (pebbleStart, upstreamStart)
        let storage = S3Fleet.storageYAML(peer: seaweed, bucket: bucket)
        let yaml = Self.acmeYAML(pebble: pebble, extra: "      challenge: tls-alpn-01")
        try await Self.orderLock(seaweed: seaweed, bucket: bucket, hold: true)
        async let startA = WharfProcess.start(in: folder, upstreamURL: upstream.url, httpYAML: yaml, name: "a", port: portA, storageDriverYAML: storage)
        async let startB = WharfProcess.start(in: folder, upstreamURL: upstream.url, httpYAML: yaml, name: "b", port: portB, storageDriverYAML: storage)
        let (a, b) = try await (startA, startB)
        try await Self.orderLock(seaweed: seaweed, bucket: bucket, hold: false)

        let other = try await Self.expectOneOrderServedByBoth(a: a, b: b, pebble: pebble, seaweed: seaweed, bucket: bucket, folder: folder)
        let connected = Set(nginx.streamBackends())
        #expect(connected.isSuperset(of: ["127.0.0.1:\(portA)", "127.0.0.1:\(portB)"]), "the validator reached both instances: \(connected)")
        #expect(
            other?.log().contains("answering a TLS-ALPN-01 validation handshake") == true && other?.log().contains("answering a challenge another instance published") == true,
            "the instance that did not order made the validation certificate from the bucket"
        )

        await a.stop()
        await b.stop()
        await nginx.stop()
        await upstream.stop()
        await pebble.stop()
    }

    /// Holds the fleet's order lock in the bucket as a holder of the test's own (`hold`), or lets
    /// it go, so that no instance orders before both are listening.
    static func orderLock(seaweed: SeaweedFSPeer, bucket: String, hold: Bool) async throws {
        let settings = seaweed.settings(bucket: bucket, rootDirectory: "fleet")
        let http = S3Client.makeHTTPClient(settings)
        let client = S3Client(settings: settings, http: http)
        do {
            if hold {
                let record = #"{"holder":"the test, until both instances listen","expires":\#(Date().timeIntervalSince1970 + 120)}"#
                try await client.putObject("acme/order.lock", bytes: Array(record.utf8), contentType: "application/json", ifAbsent: true, ifMatch: nil)
            } else {
                try await client.deleteObject("acme/order.lock")
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// The serial served on `port` once it is not `other`, within 60 s; nil if it stays.
    static func waitForSerial(other: String?, port: Int) async throws -> String? {
        for _ in 0..<120 {
            if let serial = try await ACMEServingTests.served(port: port, name: "mirror.example.test", rootPath: nil)?.serial, !serial.isEmpty, serial != other { return serial }
            try await Task.sleep(for: .milliseconds(500))
        }
        return nil
    }

    /// Both serve one certificate from Pebble that exactly one of them ordered, and the other
    /// installed from the bucket; the bucket holds the state and no challenge or lock; `wharf
    /// cert status` and `wharf config check` name the bucket.
    /// - Returns: the instance that did not order (nil when the count was wrong).
    static func expectOneOrderServedByBoth(
        a: WharfProcess, b: WharfProcess, pebble: PebblePeer, seaweed: SeaweedFSPeer, bucket: String, folder: TemporaryFolder
    ) async throws -> WharfProcess? {
        let rootPath = folder.file("root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        let servedA = try await ACMEServingTests.waitForVerified(port: a.port, name: "mirror.example.test", rootPath: rootPath, attempts: 600)
        let servedB = try await ACMEServingTests.waitForVerified(port: b.port, name: "mirror.example.test", rootPath: rootPath, attempts: 600)
        let logs = "--- A:\n\(a.log().suffix(4000))\n--- B:\n\(b.log().suffix(4000))"
        #expect(servedA?.verified == true, "A serves a certificate from Pebble\n\(logs)")
        #expect(servedB?.verified == true, "B serves a certificate from Pebble\n\(logs)")
        #expect(servedA?.serial != nil && servedA?.serial == servedB?.serial, "both serve the one certificate")

        let fromCA = [a, b].map { $0.log().components(separatedBy: "installed a certificate from the ACME CA").count - 1 }
        #expect(fromCA.reduce(0, +) == 1, "exactly one order for the fleet: \(fromCA)\n\(logs)")
        let orders = [a, b].map { $0.log().components(separatedBy: "ordering a certificate").count - 1 }
        #expect(orders.reduce(0, +) == 1, "one order sent to the CA, none failed before it: \(orders)\n\(logs)")
        let other: WharfProcess? = fromCA == [1, 0] ? b : fromCA == [0, 1] ? a : nil
        #expect(other?.log().contains("installed the certificate another instance stored") == true, "the other instance adopted it\n\(logs)")
        #expect(a.log().contains("s3://\(bucket)/fleet/acme") && b.log().contains("s3://\(bucket)/fleet/acme"), "each says at start where the state is")

        var settings = seaweed.settings(bucket: bucket, rootDirectory: "fleet")
        settings.chunkSize = S3Settings.minimumChunkSize
        let http = S3Client.makeHTTPClient(settings)
        let client = S3Client(settings: settings, http: http)
        let keys = Set(try await client.listAllObjects(prefix: "acme/").map(\.key))
        let challenges = try await client.listAllObjects(prefix: "acme/challenges/")
        try await http.shutdown()
        let certificate = ["chain.pem", "key.pem", "metadata.json"].map { "acme/certificates/mirror.example.test/\($0)" }
        #expect(keys.isSuperset(of: ["acme/account.key", "acme/account.json"] + certificate), "\(keys)")
        #expect(challenges.isEmpty, "the published challenges are removed when the order ends: \(challenges.map(\.key))")
        #expect(!keys.contains("acme/order.lock"), "the order lock was released")

        let status = try await Command.run(try WharfProcess.binaryPath(), ["cert", "status", "--config", a.configPath])
        #expect(status.status == 0 && status.stdout.contains("stored in:    s3://\(bucket)/fleet/acme"), "\(status.summary)")
        #expect(status.stdout.contains("serial:       \(servedA?.serial ?? "?")"), "\(status.summary)")
        let check = try await Command.run(try WharfProcess.binaryPath(), ["config", "check", a.configPath])
        #expect(check.stdout.contains("# certificate state: s3://\(bucket)/fleet/acme") && !check.stdout.contains(seaweed.secretKey), "\(check.summary)")
        return other
    }
}

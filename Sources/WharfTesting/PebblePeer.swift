import Foundation

/// A real Pebble ACME CA on 127.0.0.1 with its own `pebble-challtestsrv` as DNS server.
///
/// Pebble's HTTPS listener gets a certificate from a throw-away CA made here; ACME clients
/// trust ``caBundlePath``. The CA's own roots (what issued certificates chain to) come from
/// the management port: ``rootPEM(_:)``.
///
/// ```swift
/// let challenges = try await HTTP01ChallengeServer.start { token in table.keyAuthorization(for: token) }
/// let pebble = try await PebblePeer.start(in: folder, options: PebbleOptions(httpPort: challenges.port))
/// let client = ACMEClient(directoryURL: pebble.directoryURL, caBundlePath: pebble.caBundlePath, ...)
/// ```
public final class PebblePeer: Sendable {
    /// The ACME port.
    public let port: Int
    /// The management port (`/roots/0`, `/intermediates/0`, `/cert-status-by-serial/<hex>`).
    public let managementPort: Int
    /// The PEM file to trust for Pebble's HTTPS listeners (ACME and management).
    public let caBundlePath: String
    /// The options it was started with.
    public let options: PebbleOptions
    /// Its DNS server.
    public let dns: ChallengeTestServerPeer
    /// The `pebble.json` written for it.
    public let configPath: String
    private let process: PeerProcess

    /// `https://127.0.0.1:<port>/dir`.
    public var directoryURL: String { "https://127.0.0.1:\(port)/dir" }
    /// `https://127.0.0.1:<managementPort>`.
    public var managementURL: String { "https://127.0.0.1:\(managementPort)" }

    private init(port: Int, managementPort: Int, caBundlePath: String, options: PebbleOptions, dns: ChallengeTestServerPeer, configPath: String, process: PeerProcess) {
        self.port = port
        self.managementPort = managementPort
        self.caBundlePath = caBundlePath
        self.options = options
        self.dns = dns
        self.configPath = configPath
        self.process = process
    }

    /// Starts `pebble-challtestsrv` and `pebble` on kernel-picked ports and waits until both listen.
    ///
    /// - Throws: when `pebble` is missing (with the apt-get command) or does not start (with its log's tail).
    public static func start(in folder: TemporaryFolder, options: PebbleOptions, name: String = "pebble") async throws -> PebblePeer {
        let executable = try Command.locate("pebble", debianPackage: "pebble")
        let listenerCA = try await TestCertificateAuthority.make(in: folder, name: "\(name)-listener-ca")
        let listener = try await listenerCA.issue("\(name)-listener", names: ["localhost", "127.0.0.1"])
        let dns = try await ChallengeTestServerPeer.start(in: folder, name: "\(name)-challtestsrv")
        var attempt = 1
        while true {
            let port = try FreePort.make()
            let managementPort = try FreePort.make()
            let configPath = folder.file("\(name).json")
            try writeConfig(to: configPath, port: port, managementPort: managementPort, certificate: listener, options: options)
            let process = try PeerProcess(
                executable,
                ["-config", configPath, "-dnsserver", options.dnsServer ?? "127.0.0.1:\(dns.dnsPort)"],
                environment: options.processEnvironment,
                in: folder,
                name: name
            )
            do {
                try await process.waitForPort(port)
                try await process.waitForPort(managementPort)
                // Another test's process may hold a port Pebble failed to bind: make sure the
                // listeners answer with the certificate made for this Pebble.
                try await waitUntilServing(process: process, urls: [
                    "https://127.0.0.1:\(port)/dir", "https://127.0.0.1:\(managementPort)/roots/0",
                ], caBundlePath: listenerCA.certificatePath)
                return PebblePeer(
                    port: port, managementPort: managementPort, caBundlePath: listenerCA.certificatePath,
                    options: options, dns: dns, configPath: configPath, process: process
                )
            } catch {
                let lostPort = process.log().contains("address already in use")
                await process.stop()
                guard lostPort, attempt < 3 else {
                    await dns.stop()
                    throw error
                }
                attempt += 1
            }
        }
    }

    /// The issuing root `index` (0, or 1... with alternate roots) as PEM, from the management port.
    public func rootPEM(_ index: Int = 0) async throws -> String {
        try await management("/roots/\(index)")
    }

    /// The intermediate `index` as PEM, from the management port.
    public func intermediatePEM(_ index: Int = 0) async throws -> String {
        try await management("/intermediates/\(index)")
    }

    /// Pebble's JSON status of the certificate with `serial` (hex): `"Status": "Valid"` or `"Revoked"`.
    public func certificateStatus(serial: String) async throws -> String {
        try await management("/cert-status-by-serial/\(serial.lowercased())")
    }

    /// Everything Pebble logged since this start (requests, accounts, orders).
    public func log() -> String {
        process.log()
    }

    /// How many accounts Pebble created (it logs "There are now N accounts in memory").
    public func accountCount() -> Int {
        log().components(separatedBy: "accounts in memory").count - 1
    }

    /// Stops Pebble and its DNS server.
    public func stop() async {
        await process.stop()
        await dns.stop()
    }

    private func management(_ path: String) async throws -> String {
        let curl = try Command.locate("curl", debianPackage: "curl")
        let result = try await Command.run(curl, ["-sS", "--fail", "--cacert", caBundlePath, managementURL + path])
        guard result.succeeded else {
            throw TestSupportError("GET \(managementURL)\(path) failed: \(result.stderr)")
        }
        return result.stdout
    }

    private static func waitUntilServing(process: PeerProcess, urls: [String], caBundlePath: String) async throws {
        let curl = try Command.locate("curl", debianPackage: "curl")
        let deadline = ContinuousClock.now + .seconds(30)
        for url in urls {
            while true {
                let result = try await Command.run(curl, ["-sS", "--fail", "-o", "/dev/null", "--cacert", caBundlePath, url])
                if result.succeeded, process.isRunning {
                    break
                }
                guard process.isRunning, ContinuousClock.now < deadline else {
                    throw TestSupportError("pebble does not serve \(url): \(result.stderr)\nLog tail:\n\(process.logTail())")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    private static func writeConfig(to path: String, port: Int, managementPort: Int, certificate: TestCertificateAuthority.Leaf, options: PebbleOptions) throws {
        var pebble: [String: Any] = [
            "listenAddress": "127.0.0.1:\(port)",
            "managementListenAddress": "127.0.0.1:\(managementPort)",
            "certificate": certificate.certificatePath,
            "privateKey": certificate.keyPath,
            "httpPort": options.httpPort,
            "tlsPort": options.tlsPort,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": !options.externalAccountMACKeys.isEmpty,
        ]
        if !options.externalAccountMACKeys.isEmpty {
            pebble["externalAccountMACKeys"] = options.externalAccountMACKeys
        }
        if let validity = options.certificateValidityPeriod {
            pebble["certificateValidityPeriod"] = validity
        }
        let data = try JSONSerialization.data(withJSONObject: ["pebble": pebble], options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }
}

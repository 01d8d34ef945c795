import Foundation
import Synchronization

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
    /// The throw-away CA behind ``caBundlePath``, for other test servers the same clients should trust.
    public let listenerAuthority: TestCertificateAuthority
    /// The options it was started with.
    public let options: PebbleOptions
    /// Its DNS server.
    public let dns: ChallengeTestServerPeer
    /// The `pebble.json` written for it.
    public let configPath: String
    private let process: Mutex<PeerProcess>
    private let executable: String
    private let folder: TemporaryFolder
    private let name: String

    /// `https://127.0.0.1:<port>/dir`.
    public var directoryURL: String { "https://127.0.0.1:\(port)/dir" }
    /// `https://127.0.0.1:<managementPort>`.
    public var managementURL: String { "https://127.0.0.1:\(managementPort)" }

    private init(
        port: Int, managementPort: Int, listenerAuthority: TestCertificateAuthority, options: PebbleOptions, dns: ChallengeTestServerPeer,
        configPath: String, process: PeerProcess, executable: String, folder: TemporaryFolder, name: String
    ) {
        self.port = port
        self.managementPort = managementPort
        self.caBundlePath = listenerAuthority.certificatePath
        self.listenerAuthority = listenerAuthority
        self.options = options
        self.dns = dns
        self.configPath = configPath
        self.process = Mutex(process)
        self.executable = executable
        self.folder = folder
        self.name = name
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
            let process = try launch(executable, configPath: configPath, options: options, dns: dns, in: folder, name: name)
            do {
                try await waitUntilServing(process: process, port: port, managementPort: managementPort, caBundlePath: listenerCA.certificatePath)
                return PebblePeer(
                    port: port, managementPort: managementPort, listenerAuthority: listenerCA, options: options, dns: dns,
                    configPath: configPath, process: process, executable: executable, folder: folder, name: name
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

    /// Everything Pebble logged since its last start (requests, accounts, orders).
    public func log() -> String {
        process.withLock { $0 }.log()
    }

    /// How many accounts Pebble created (it logs "There are now N accounts in memory").
    public func accountCount() -> Int {
        log().components(separatedBy: "accounts in memory").count - 1
    }

    /// Stops Pebble and its DNS server.
    public func stop() async {
        await stopCA()
        await dns.stop()
    }

    /// Stops Pebble only (its DNS server keeps running): the CA becomes unreachable, as in an outage.
    public func stopCA() async {
        await process.withLock { $0 }.stop()
    }

    /// Starts Pebble again on the same ports with the same configuration, after ``stopCA()``.
    ///
    /// Pebble keeps nothing across a restart: accounts, orders and its issuing root and
    /// intermediate are new, so fetch ``rootPEM(_:)`` again.
    /// - Throws: when it does not serve again (another process took a port meanwhile).
    public func restartCA() async throws {
        let next = try Self.launch(executable, configPath: configPath, options: options, dns: dns, in: folder, name: name)
        process.withLock { $0 = next }
        try await Self.waitUntilServing(process: next, port: port, managementPort: managementPort, caBundlePath: caBundlePath)
    }

    private func management(_ path: String) async throws -> String {
        let curl = try Command.locate("curl", debianPackage: "curl")
        let result = try await Command.run(curl, ["-sS", "--fail", "--cacert", caBundlePath, managementURL + path])
        guard result.succeeded else {
            throw TestSupportError("GET \(managementURL)\(path) failed: \(result.stderr)")
        }
        return result.stdout
    }

    private static func launch(_ executable: String, configPath: String, options: PebbleOptions, dns: ChallengeTestServerPeer, in folder: TemporaryFolder, name: String) throws -> PeerProcess {
        try PeerProcess(
            executable,
            ["-config", configPath, "-dnsserver", options.dnsServer ?? "127.0.0.1:\(dns.dnsPort)"],
            environment: options.processEnvironment,
            in: folder,
            name: name
        )
    }

    /// Waits until both listeners accept connections and answer with the certificate made for
    /// this Pebble (another test's process may hold a port Pebble failed to bind).
    private static func waitUntilServing(process: PeerProcess, port: Int, managementPort: Int, caBundlePath: String) async throws {
        try await process.waitForPort(port)
        try await process.waitForPort(managementPort)
        let urls = ["https://127.0.0.1:\(port)/dir", "https://127.0.0.1:\(managementPort)/roots/0"]
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

import Foundation

/// `pebble-challtestsrv` as Pebble's DNS server on 127.0.0.1: every name resolves to
/// 127.0.0.1 (A), nothing answers AAAA (so Pebble never dials `[::1]`), and TXT records
/// for DNS-01 are set through its management API.
public final class ChallengeTestServerPeer: Sendable {
    /// The DNS port (UDP and TCP) to give Pebble as `-dnsserver 127.0.0.1:<port>`.
    public let dnsPort: Int
    /// The management API port (plain HTTP).
    public let managementPort: Int
    private let process: PeerProcess

    private init(dnsPort: Int, managementPort: Int, process: PeerProcess) {
        self.dnsPort = dnsPort
        self.managementPort = managementPort
        self.process = process
    }

    /// Starts `pebble-challtestsrv` with only its DNS server and management API enabled.
    ///
    /// - Throws: when it is missing (with the apt-get command) or does not start (with its log's tail).
    public static func start(in folder: TemporaryFolder, name: String = "challtestsrv") async throws -> ChallengeTestServerPeer {
        let executable = try Command.locate("pebble-challtestsrv", debianPackage: "pebble")
        var attempt = 1
        while true {
            let dnsPort = try FreePort.make()
            let managementPort = try FreePort.make()
            let process = try PeerProcess(executable, [
                "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-dns01", "127.0.0.1:\(dnsPort)",
                "-management", "127.0.0.1:\(managementPort)",
                "-defaultIPv4", "127.0.0.1",
                "-defaultIPv6", "",
            ], in: folder, name: name)
            do {
                try await process.waitForPort(managementPort)
                try await process.waitForPort(dnsPort)
                let peer = ChallengeTestServerPeer(dnsPort: dnsPort, managementPort: managementPort, process: process)
                // Only pebble-challtestsrv answers its management API; a bind failure ends it.
                try await peer.clearTXT(host: "ready.invalid")
                try await Task.sleep(for: .milliseconds(50))
                guard process.isRunning else {
                    throw TestSupportError("pebble-challtestsrv exited after starting:\n\(process.logTail())")
                }
                return peer
            } catch {
                let lostPort = process.log().contains("address already in use")
                await process.stop()
                guard lostPort, attempt < 3 else { throw error }
                attempt += 1
            }
        }
    }

    /// Adds a TXT record (`host` with or without the trailing dot); records of a name accumulate.
    public func setTXT(host: String, value: String) async throws {
        try await post("set-txt", ["host": Self.fullyQualified(host), "value": value])
    }

    /// Removes every TXT record of `host`.
    public func clearTXT(host: String) async throws {
        try await post("clear-txt", ["host": Self.fullyQualified(host)])
    }

    /// Answers A queries for `host` with `addresses` instead of the default 127.0.0.1.
    public func addA(host: String, addresses: [String]) async throws {
        try await post("add-a", ["host": Self.fullyQualified(host), "addresses": addresses])
    }

    /// Everything it logged.
    public func log() -> String {
        process.log()
    }

    /// Stops it.
    public func stop() async {
        await process.stop()
    }

    private func post(_ path: String, _ body: [String: any Sendable]) async throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let curl = try Command.locate("curl", debianPackage: "curl")
        let result = try await Command.run(curl, ["-sS", "--fail", "-X", "POST", "-d", json, "http://127.0.0.1:\(managementPort)/\(path)"])
        guard result.succeeded else {
            throw TestSupportError("pebble-challtestsrv refused POST /\(path): \(result.stderr)\(result.stdout)")
        }
    }

    private static func fullyQualified(_ host: String) -> String {
        host.hasSuffix(".") ? host : host + "."
    }
}

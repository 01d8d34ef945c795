import DNS
import Foundation
import WharfTesting

/// pebble-challtestsrv: a mock DNS server whose TXT records are set over HTTP (see ../shared/PEERS.md).
final class ChallTestServer: Sendable {
    let dnsPort: Int
    let managementPort: Int
    let folder: TemporaryFolder
    private let process: PeerProcess
    private let curl: String

    private init(dnsPort: Int, managementPort: Int, folder: TemporaryFolder, process: PeerProcess, curl: String) {
        self.dnsPort = dnsPort
        self.managementPort = managementPort
        self.folder = folder
        self.process = process
        self.curl = curl
    }

    /// `127.0.0.1:<dns port>`, for the `resolvers` setting.
    var resolver: String { "127.0.0.1:\(dnsPort)" }

    /// The management API's base URL.
    var managementURL: String { "http://127.0.0.1:\(managementPort)" }

    static func start() async throws -> ChallTestServer {
        let executable = try Command.locate("pebble-challtestsrv", debianPackage: "pebble")
        let curl = try Command.locate("curl", debianPackage: "curl")
        let folder = try TemporaryFolder(prefix: "wharf-challtestsrv")
        var lastFailure = ""
        for _ in 0..<5 {
            let dnsPort = try FreePort.make()
            let managementPort = try FreePort.make()
            let process = try PeerProcess(
                executable,
                [
                    "-http01", "", "-https01", "", "-tlsalpn01", "",
                    "-dns01", "127.0.0.1:\(dnsPort)", "-management", "127.0.0.1:\(managementPort)",
                ],
                in: folder,
                name: "challtestsrv"
            )
            do {
                try await process.waitForPort(managementPort)
                try await process.waitForPort(dnsPort)
                return ChallTestServer(
                    dnsPort: dnsPort,
                    managementPort: managementPort,
                    folder: folder,
                    process: process,
                    curl: curl
                )
            } catch {
                lastFailure = "\(error)"
                await process.stop()
            }
        }
        throw TestSupportError("pebble-challtestsrv did not start on 5 pairs of free ports; last failure:\n\(lastFailure)")
    }

    /// Adds a TXT value at `host` (with its trailing dot).
    func setTXT(_ host: String, _ value: String) async throws {
        try await post("set-txt", ["host": host, "value": value])
    }

    /// Removes every TXT value at `host`.
    func clearTXT(_ host: String) async throws {
        try await post("clear-txt", ["host": host])
    }

    func stop() async {
        await process.stop()
        folder.remove()
    }

    private func post(_ path: String, _ body: [String: String]) async throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let result = try await Command.run(
            curl,
            ["-fsS", "-X", "POST", "-d", json, "\(managementURL)/\(path)"],
            timeout: .seconds(20)
        )
        guard result.succeeded else {
            throw TestSupportError("challtestsrv /\(path) failed: \(result.stderr)")
        }
    }
}

extension ChallTestServer {
    /// The TXT values its DNS server answers for `name`.
    func txtValues(_ name: String) async throws -> [String] {
        let answer = try await Fixtures.client.query(try DNSName(name), type: .txt, server: try DNSServerAddress(parsing: resolver))
        return answer.answers.compactMap(\.data.text)
    }
}

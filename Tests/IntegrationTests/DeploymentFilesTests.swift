import Foundation
import Testing
import WharfTesting

@Suite("deployment files")
struct DeploymentFilesTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy")

    @Test("the systemd unit passes systemd-analyze verify (with the binary it names in place)")
    func systemdUnit() async throws {
        let analyze = try Command.locate("systemd-analyze", debianPackage: "systemd")
        let folder = try TemporaryFolder(prefix: "wharf-unit")
        defer { folder.remove() }
        // verify checks that ExecStart's program exists: point it at the binary the tests built.
        let unit = try String(contentsOf: Self.deploy.appendingPathComponent("wharf.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/wharf", with: try WharfProcess.binaryPath())
        try unit.write(toFile: folder.file("wharf.service"), atomically: true, encoding: .utf8)
        let result = try await Command.run(analyze, ["verify", folder.file("wharf.service")])
        #expect(result.status == 0, "\(result.summary)")
        #expect(result.stderr.isEmpty && result.stdout.isEmpty, "systemd-analyze complained: \(result.summary)")
    }

    @Test("the Dockerfile names the release build and the serve command (no Docker engine runs here to build it)")
    func dockerfile() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("Dockerfile"), encoding: .utf8)
        #expect(text.contains("swift build -c release --product wharf"))
        #expect(text.contains(#"CMD ["serve", "--config", "/etc/wharf/config.yml"]"#))
        #expect(text.contains("STOPSIGNAL SIGTERM"))
    }
}

import Certificates
import Foundation
import NIOSSL
import Testing
import WharfTesting

@Suite("Client certificates signed by the local CA, written in each client's layout")
struct ClientCertificateIssuerTests {
    @Test("a certificate from the local CA verifies for client authentication with openssl, names the client, and is recorded")
    func issuesAndRecords() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-client-issue")
        defer { folder.remove() }
        let state = folder.file("state")
        let authority = try await LocalCertificateAuthority(folder: state).ensureAuthority()
        let issued = try ClientCertificateIssuer(authority: authority).issue(name: "ci-runner-3", days: 20)
        #expect(issued.identity.name == "ci-runner-3")
        #expect(abs(issued.notAfter.timeIntervalSinceNow - 20 * 86400) < 120)
        let written = try await ClientCertificateLayout.write(issued, host: "10.9.0.2:5000", serverCAPath: state + "/ca.pem", to: folder.file("out"))
        #expect(written.count == 11, "\(written)")
        let docker = folder.file("out/docker/certs.d/10.9.0.2:5000")
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let verified = try await Command.run(openssl, ["verify", "-purpose", "sslclient", "-CAfile", state + "/ca.pem", "file:" + docker + "/client.cert"])
        #expect(verified.status == 0 && verified.stdout.contains(": OK"), "\(verified.stdout) \(verified.stderr)")
        let asServer = try await Command.run(openssl, ["verify", "-purpose", "sslserver", "-CAfile", state + "/ca.pem", "file:" + docker + "/client.cert"])
        #expect(asServer.status != 0, "a client certificate is no server certificate: \(asServer.stdout)")
        let loaded = try NIOSSLCertificate.fromPEMFile(docker + "/client.cert")
        #expect(try ClientCertificateIdentity(loaded[0]) == issued.identity)
        for tree in ["docker", "containers", "containerd"] {
            let key = folder.file("out/\(tree)/certs.d/10.9.0.2:5000/client.key")
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? NSNumber)
            #expect(mode.intValue & 0o777 == 0o600, "\(key)")
        }
        let hub = try String(contentsOfFile: folder.file("out/containerd/certs.d/docker.io/hosts.toml"), encoding: .utf8)
        #expect(hub.contains("server = \"https://registry-1.docker.io\""))
        #expect(hub.contains("[host.\"https://10.9.0.2:5000\"]"))
        #expect(hub.contains("client = [[\"../10.9.0.2:5000/client.cert\", \"../10.9.0.2:5000/client.key\"]]"))
        try await IssuedClientCertificates.append(.init(issued, issuer: authority.subject, issuedAt: Date()), stateFolder: state)
        let second = try ClientCertificateIssuer(authority: authority).issue(name: "laptop", days: 1)
        try await IssuedClientCertificates.append(.init(second, issuer: authority.subject, issuedAt: Date()), stateFolder: state)
        let records = try await IssuedClientCertificates.load(stateFolder: state)
        #expect(records.map(\.name) == ["ci-runner-3", "laptop"])
        #expect(records[0].serial == issued.identity.serialHex && records[1].fingerprint == second.identity.fingerprint)
        #expect(!(try String(contentsOfFile: IssuedClientCertificates.path(stateFolder: state), encoding: .utf8)).contains("PRIVATE KEY"))
    }

    @Test("the validity is cut to the CA's, and bad names, days and non-CA signers are refused")
    func refusals() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-client-refuse")
        defer { folder.remove() }
        let authority = try await LocalCertificateAuthority(folder: folder.file("state")).ensureAuthority()
        let long = try ClientCertificateIssuer(authority: authority).issue(name: "forever", days: ClientCertificateIssuer.maximumDays)
        #expect(long.notAfter <= authority.notAfter)
        for (name, days) in [("", 10), (String(repeating: "n", count: 65), 10), ("two\nlines", 10), ("ok", 0), ("ok", 4000)] {
            #expect(throws: TLSCertificateError.self) { try ClientCertificateIssuer(authority: authority).issue(name: name, days: days) }
        }
        let leaf = try await TestCertificateAuthority.make(in: folder, name: "other").issue("plain-leaf")
        await #expect(throws: TLSCertificateError.self) {
            try await ClientCertificateIssuer.loadAuthority(certificatePath: leaf.certificatePath, keyPath: leaf.keyPath)
        }
    }
}

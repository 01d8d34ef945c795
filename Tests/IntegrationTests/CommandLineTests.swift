import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("the wharf command")
struct CommandLineTests {
    @Test("config check prints the effective configuration with secrets masked")
    func configCheck() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cli")
        defer { folder.remove() }
        let path = folder.file("c.yml")
        try "version: 0.1\nproxy:\n  remoteurl: https://registry-1.docker.io\n  username: bob\n  password: sup3rs3cret\nhealth:\n  storagedriver:\n    enabled: true\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await Command.run(try WharfProcess.binaryPath(), ["config", "check", path])
        #expect(result.status == 0, "\(result.summary)")
        #expect(result.stdout.contains("remoteurl: \"https://registry-1.docker.io\""))
        #expect(!result.stdout.contains("sup3rs3cret") && !result.stderr.contains("sup3rs3cret"))
        #expect(result.stderr.contains("health"), "the ignored key is named in a warning")
    }

    @Test("a bad configuration stops with exit 2 and names the file, the line and the key")
    func badConfig() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cli")
        defer { folder.remove() }
        let path = folder.file("bad.yml")
        try "version: 0.1\nproxy:\n  remoteurl: https://x.io\n  typo: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let check = try await Command.run(try WharfProcess.binaryPath(), ["config", "check", path])
        #expect(check.status == 2)
        #expect(check.stderr.contains("bad.yml:4: proxy.typo"), "\(check.summary)")
        let serve = try await Command.run(try WharfProcess.binaryPath(), ["serve", "--config", path], timeout: .seconds(30))
        #expect(serve.status == 2)
        #expect(serve.stderr.contains("proxy.typo"))
    }

    @Test("Basic upstream credentials work, a wrong password is refused, and neither reaches the log")
    func upstreamBasicCredentials() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 30)
        let folder = try TemporaryFolder(prefix: "wharf-secret")
        defer { folder.remove() }
        let htpasswd = try await Command.run(try Command.locate("htpasswd", debianPackage: "apache2-utils"), ["-Bbn", "-C", "5", "alice", "right-pa55"])
        #expect(htpasswd.status == 0)
        try htpasswd.stdout.write(toFile: folder.file("htpasswd"), atomically: true, encoding: .utf8)
        let upstream = try await DockerRegistryPeer.start(in: folder, htpasswdPath: folder.file("htpasswd"))
        let seeder = RegistrySeeder(baseURL: upstream.url, authorization: "Basic " + Data("alice:right-pa55".utf8).base64EncodedString())
        try await seeder.push(image, repository: "library/test", tag: "latest")
        try await seeder.shutdown()

        let wrong = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, proxyYAML: "  username: alice\n  password: wrong-pa55-xyz", name: "wrong")
        let refused = try await HTTPProbe.send(.GET, wrong.url + "/v2/library/test/manifests/latest")
        #expect(refused.status == 401)
        #expect(refused.errorCode == "UNAUTHORIZED")
        await wrong.stop()

        let right = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, proxyYAML: "  username: alice\n  password: right-pa55", name: "right")
        let pulled = try await Skopeo.copy("docker://\(right.hostPort)/library/test:latest", "dir:\(folder.file("out"))", arguments: ["--src-tls-verify=false"])
        #expect(pulled.status == 0, "\(pulled.summary)\n\(right.log())")
        await right.stop()
        await upstream.stop()
        for log in [wrong.log(), right.log()] {
            #expect(!log.contains("pa55"))
            #expect(!log.contains(Data("alice:right-pa55".utf8).base64EncodedString()))
        }
    }
}

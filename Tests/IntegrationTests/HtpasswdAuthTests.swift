import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("htpasswd authentication in front of the mirror")
struct HtpasswdServingTests {
    struct Setup {
        let folder: TemporaryFolder
        let upstream: DockerRegistryPeer
        let wharf: WharfProcess
        let image: TestImage
        let htpasswdPath: String

        /// alice (made by Apache's htpasswd -B) and bob (made by wharf htpasswd add).
        static func start(_ name: String, failureLimit: Int = 10) async throws -> Setup {
            let folder = try TemporaryFolder(prefix: "wharf-\(name)")
            let image = try ImageFactory.image(layerSizes: [20_000], seed: 120)
            let upstream = try await DockerRegistryPeer.start(in: folder)
            let seeder = RegistrySeeder(baseURL: upstream.url)
            try await seeder.push(image, repository: "library/test", tag: "latest")
            try await seeder.shutdown()
            let path = folder.file("htpasswd")
            let apache = try await Command.run(try Command.locate("htpasswd", debianPackage: "apache2-utils"), ["-Bbc", "-C", "5", path, "alice", "alice-pw"])
            #expect(apache.status == 0, "\(apache.summary)")
            let added = try await Command.run("/bin/sh", ["-c", "printf 'bob-pw' | \(try WharfProcess.binaryPath()) htpasswd add --cost 5 \(path) bob"])
            #expect(added.status == 0, "\(added.summary)")
            let wharf = try await WharfProcess.start(
                in: folder,
                upstreamURL: upstream.url,
                extraYAML: "auth:\n  htpasswd:\n    realm: wharf-test\n    path: \(path)\n    failurelimit: \(failureLimit)\n"
            )
            return Setup(folder: folder, upstream: upstream, wharf: wharf, image: image, htpasswdPath: path)
        }

        func stop() async {
            await wharf.stop()
            await upstream.stop()
            folder.remove()
        }
    }

    static func basic(_ user: String, _ password: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
    }

    @Test("skopeo pulls with --creds for users made by Apache's htpasswd and by wharf; without or with a wrong password it gets 401")
    func skopeoCredentials() async throws {
        let setup = try await Setup.start("auth-skopeo")
        let reference = "docker://\(setup.wharf.hostPort)/library/test:latest"
        for (user, password) in [("alice", "alice-pw"), ("bob", "bob-pw")] {
            let pulled = try await Skopeo.copy(reference, "dir:\(setup.folder.file("out-\(user)"))", arguments: ["--src-tls-verify=false", "--src-creds", "\(user):\(password)"])
            #expect(pulled.status == 0, "\(user): \(pulled.summary)")
        }
        let anonymous = try await Skopeo.copy(reference, "dir:\(setup.folder.file("anon"))", arguments: ["--src-tls-verify=false", "--retry-times=0"])
        #expect(anonymous.status != 0)
        #expect(anonymous.stderr.contains("401") || anonymous.stderr.lowercased().contains("unauthorized"), "\(anonymous.summary)")
        let wrong = try await Skopeo.copy(reference, "dir:\(setup.folder.file("wrong"))", arguments: ["--src-tls-verify=false", "--src-creds", "alice:nope", "--retry-times=0"])
        #expect(wrong.status != 0)

        let base = try await HTTPProbe.send(.GET, setup.wharf.url + "/v2/")
        #expect(base.status == 401)
        #expect(base.errorCode == "UNAUTHORIZED")
        #expect(base.headers.first(name: "WWW-Authenticate") == #"Basic realm="wharf-test""#)
        #expect(base.headers.first(name: "Docker-Distribution-API-Version") == "registry/2.0")
        let log = setup.wharf.log()
        for secret in ["alice-pw", "bob-pw", "nope", Data("alice:alice-pw".utf8).base64EncodedString()] {
            #expect(!log.contains(secret), "a secret reached the log")
        }
        await setup.stop()
    }

    @Test("the 11th bad attempt in a minute gets 429 with Retry-After; the right password from another address still works")
    func limiter() async throws {
        let setup = try await Setup.start("auth-limit")
        for _ in 0..<10 {
            let refused = try await HTTPProbe.send(.GET, setup.wharf.url + "/v2/", headers: [Self.basic("alice", "guess")])
            #expect(refused.status == 401)
        }
        let limited = try await HTTPProbe.send(.GET, setup.wharf.url + "/v2/", headers: [Self.basic("alice", "guess")])
        #expect(limited.status == 429)
        #expect(limited.errorCode == "TOOMANYREQUESTS")
        #expect(Int(limited.headers.first(name: "Retry-After") ?? "") ?? 0 > 0)
        // 127.0.0.2 is another client address on the loopback network.
        let curl = try Command.locate("curl", debianPackage: "curl")
        let other = try await Command.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.0.0.2", "-u", "bob:bob-pw", setup.wharf.url + "/v2/"])
        #expect(other.stdout == "200", "\(other.summary)")
        await setup.stop()
    }

    @Test("a password changed in the file is refused within seconds; a broken file keeps the old users")
    func reload() async throws {
        let setup = try await Setup.start("auth-reload")
        let url = setup.wharf.url + "/v2/"
        #expect(try await HTTPProbe.send(.GET, url, headers: [Self.basic("bob", "bob-pw")]).status == 200)
        let changed = try await Command.run("/bin/sh", ["-c", "printf 'bob-new' | \(try WharfProcess.binaryPath()) htpasswd add --cost 5 \(setup.htpasswdPath) bob"])
        #expect(changed.status == 0)
        var oldRefused = false
        for _ in 0..<50 where !oldRefused {
            oldRefused = try await HTTPProbe.send(.GET, url, headers: [Self.basic("bob", "bob-pw")]).status == 401
            if !oldRefused { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(oldRefused, "the cached old password must stop working after the change")
        #expect(try await HTTPProbe.send(.GET, url, headers: [Self.basic("bob", "bob-new")]).status == 200)

        try "bob:{SHA}weak\n".write(toFile: setup.htpasswdPath, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(3))
        #expect(try await HTTPProbe.send(.GET, url, headers: [Self.basic("alice", "alice-pw")]).status == 200, "a broken file keeps the previous users")
        #expect(setup.wharf.log().contains("htpasswd"))
        await setup.stop()
    }

    @Test("a weak htpasswd entry stops start-up with the file, line and user")
    func weakEntryRefused() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-auth-weak")
        defer { folder.remove() }
        let path = folder.file("htpasswd")
        let md5 = try await Command.run(try Command.locate("htpasswd", debianPackage: "apache2-utils"), ["-mbc", path, "carol", "pw"])
        #expect(md5.status == 0)
        let config = folder.file("c.yml")
        try "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(folder.path)/cache\nhttp:\n  addr: 127.0.0.1:\(try FreePort.make())\nauth:\n  htpasswd:\n    realm: r\n    path: \(path)\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let serve = try await Command.run(try WharfProcess.binaryPath(), ["serve", "--config", config], timeout: .seconds(30))
        #expect(serve.status == 2)
        #expect(serve.stderr.contains(path) && serve.stderr.contains("carol"), "\(serve.summary)")
    }
}

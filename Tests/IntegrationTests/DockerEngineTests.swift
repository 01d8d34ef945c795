import Foundation
import Testing
import WharfTesting

/// A real Docker engine (Debian's `docker.io` dockerd) pulling through Wharf as its
/// `registry-mirrors`. The engine treats a registry on 127.0.0.0/8 as insecure (it then ignores
/// `/etc/docker/certs.d`), so it runs on a test host of its own: a network namespace joined by a
/// veth pair on a private /30, and Wharf listens on the other end's address, with a certificate
/// naming that address. The engine is started once for the suite's one test (it is slow), which
/// goes through the scenarios in order on it.
@Suite("Docker engine and BuildKit through Wharf: a client certificate or docker login, on one listener")
struct DockerEngineTests {
    struct Engine {
        let process: PeerProcess
        let socket: String
        let configFolder: String

        /// `docker ARGUMENTS` against this engine (the 20.10 client from docker.io, with BuildKit built in).
        func docker(_ arguments: [String], buildKit: Bool = false, input: String? = nil) async throws -> ProcessResult {
            // /usr/bin/docker by path: another `docker` earlier on PATH may lack BuildKit.
            let docker = "/usr/bin/docker"
            guard FileManager.default.isExecutableFile(atPath: docker) else { throw TestSupportError("/usr/bin/docker not found: apt-get install -y docker.io") }
            var environment = ["DOCKER_HOST": "unix://\(socket)", "DOCKER_CONFIG": configFolder]
            if buildKit { environment["DOCKER_BUILDKIT"] = "1" }
            guard let input else { return try await Command.run(docker, arguments, environment: environment, timeout: .seconds(240)) }
            let quoted = ([docker] + arguments).map { "'\($0)'" }.joined(separator: " ")
            return try await Command.run("/bin/sh", ["-c", "printf '%s' '\(input)' | \(quoted)"], environment: environment, timeout: .seconds(240))
        }
    }

    @Test("docker pull with a client certificate in certs.d (logged by its name), refused without one, a foreign CA's certificate fails the handshake, and DOCKER_BUILDKIT=1 docker build uses docker login credentials")
    func engineThroughMirror() async throws {
        let dockerd = try Command.locate("dockerd", debianPackage: "docker.io")
        let folder = try TemporaryFolder(prefix: "wharf-dockerd")
        let namespace = try await NetworkNamespace.make()
        var certsEntry: String?
        var started: [@Sendable () async -> Void] = []
        do {
            let upstream = try await seededUpstream(in: folder, layerSize: 30_000, seed: 170)
            started.append { await upstream.stop() }
            let seeder = RegistrySeeder(baseURL: upstream.url)
            try await seeder.push(try ImageFactory.image(layerSizes: [25_000], seed: 171), repository: "library/base", tag: "1")
            try await seeder.shutdown()
            let serverCA = try await TestCertificateAuthority.make(in: folder, name: "server-ca")
            let leaf = try await serverCA.issue("mirror", names: [namespace.hostAddress])
            let wharfBinary = try WharfProcess.binaryPath()
            // The local CA (folder/certs) exists before Wharf starts, since Wharf reads auth.clientcert.cas then.
            let early = try await Command.run("/bin/sh", ["-c", "cd \(folder.path) && \(wharfBinary) client-cert issue placeholder --host placeholder:1 --out early"])
            #expect(early.status == 0, "\(early.summary)")
            let htpasswd = folder.file("htpasswd")
            let added = try await Command.run("/bin/sh", ["-c", "printf 'builder-pw' | \(wharfBinary) htpasswd add --cost 5 \(htpasswd) builder"])
            #expect(added.status == 0, "\(added.summary)")
            let wharf = try await WharfProcess.start(
                in: folder,
                upstreamURL: upstream.url,
                httpYAML: "  tls:\n    certificate: \(leaf.certificatePath)\n    key: \(leaf.keyPath)\n",
                extraYAML: "auth:\n  htpasswd:\n    path: \(htpasswd)\n  clientcert:\n    cas: [\(folder.path)/certs/ca.pem]\n",
                listenAddress: namespace.hostAddress
            )
            started.append { await wharf.stop() }
            let mirror = "\(namespace.hostAddress):\(wharf.port)"
            let issued = try await Command.run("/bin/sh", ["-c", "cd \(folder.path) && \(wharfBinary) client-cert issue engine-1 --host \(mirror) --server-ca \(serverCA.certificatePath) --out out"])
            #expect(issued.status == 0, "\(issued.summary)")

            let root = try folder.folder("engine")
            let socket = root + "/d.sock"
            let command = try namespace.wrapping([
                    dockerd, "--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs",
                    "--data-root", root + "/root", "--exec-root", root + "/exec", "-H", "unix://\(socket)",
                "--pidfile", root + "/d.pid", "--registry-mirror", "https://\(mirror)",
            ])
            // dockerd's built-in BuildKit does not read certs.d for a mirror's CA, only the system
            // roots; Go takes them from SSL_CERT_FILE, so the engine gets the system bundle plus ours.
            let roots = folder.file("roots.pem")
            let system = (try? String(contentsOfFile: "/etc/ssl/certs/ca-certificates.crt", encoding: .utf8)) ?? ""
            try (system + "\n" + String(contentsOfFile: serverCA.certificatePath, encoding: .utf8)).write(toFile: roots, atomically: true, encoding: .utf8)
            let process = try PeerProcess(command[0], Array(command.dropFirst()), environment: ["SSL_CERT_FILE": roots], in: folder, name: "dockerd")
            started.append { await process.stop() }
            try await process.waitForLog(containing: "API listen on", timeout: .seconds(90))
            let engine = Engine(process: process, socket: socket, configFolder: try folder.folder("docker-config"))

            // The engine's fixed folder; this test's entry only (its address and port are its own).
            let entry = "/etc/docker/certs.d/\(mirror)"
            certsEntry = entry
            try FileManager.default.createDirectory(atPath: entry, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: serverCA.certificatePath, toPath: entry + "/ca.crt")

            // 1. The CA only: the engine trusts Wharf but has no credential it sends to a mirror.
            let refused = try await engine.docker(["pull", "library/test:latest"])
            #expect(refused.status != 0, "without a client certificate the mirror must refuse: \(refused.summary)")
            #expect(wharf.log().contains("status=401"), "the refusal is logged: \(wharf.log().suffix(2000))")

            // 2. A foreign CA's certificate: Go's TLS client offers a certificate only when its issuer is
            // among the CAs the server names, so the engine presents none and gets 401 (curl, which
            // presents it anyway, is refused at the handshake: ClientCertificateAuthTests).
            let stranger = try await TestCertificateAuthority.make(in: folder, name: "stranger-ca")
            let foreign = try await stranger.issue("foreign", names: ["foreign-engine"], clientAuth: true)
            try FileManager.default.copyItem(atPath: foreign.certificatePath, toPath: entry + "/client.cert")
            try FileManager.default.copyItem(atPath: foreign.keyPath, toPath: entry + "/client.key")
            let foreignPull = try await engine.docker(["pull", "library/test:latest"])
            #expect(foreignPull.status != 0, "\(foreignPull.summary)")
            #expect(!wharf.log().contains("user=foreign-engine") && !wharf.log().contains("auth=certificate"), "\(wharf.log().suffix(2000))")

            // 3. The certificate `wharf client-cert issue` wrote: the pull goes through the mirror.
            let issuedFolder = folder.file("out/docker/certs.d/\(mirror)")
            for file in ["client.cert", "client.key"] {
                try FileManager.default.removeItem(atPath: entry + "/" + file)
                try FileManager.default.copyItem(atPath: issuedFolder + "/" + file, toPath: entry + "/" + file)
            }
            let pulled = try await engine.docker(["pull", "library/test:latest"])
            #expect(pulled.status == 0, "\(pulled.summary)\n\(wharf.log().suffix(3000))\n\(process.logTail())")
            let log = wharf.log()
            #expect(log.contains("/v2/library/test/manifests/latest") && log.contains("user=engine-1") && log.contains("auth=certificate"), "\(log.suffix(3000))")

            // 4. BuildKit presents no client certificate but sends docker login credentials to the mirror.
            for file in ["client.cert", "client.key"] { try FileManager.default.removeItem(atPath: entry + "/" + file) }
            let login = try await engine.docker(["login", mirror, "-u", "builder", "--password-stdin"], input: "builder-pw")
            #expect(login.status == 0, "\(login.summary)")
            let context = try folder.folder("context")
            try "FROM library/base:1\nLABEL built-by=wharf-test\n".write(toFile: context + "/Dockerfile", atomically: true, encoding: .utf8)
            let built = try await engine.docker(["build", "-t", "wharf-test/built:1", context], buildKit: true)
            #expect(built.status == 0, "\(built.stderr.suffix(3000))\n\(wharf.log().suffix(3000))")
            let buildLog = wharf.log()
            #expect(buildLog.contains("/v2/library/base/manifests/1") && buildLog.contains("user=builder") && buildLog.contains("auth=password"), "\(buildLog.suffix(3000))")
        } catch {
            Issue.record(error, "\(folder.file("dockerd.log")): \((try? String(contentsOfFile: folder.file("dockerd.log"), encoding: .utf8))?.suffix(1500) ?? "")")
        }
        if let certsEntry { try? FileManager.default.removeItem(atPath: certsEntry) }
        for stop in started.reversed() { await stop() }
        await namespace.remove()
        folder.remove()
    }
}

@Suite("containerd through Wharf with the client pair `wharf client-cert issue` wrote")
struct ContainerdClientCertificateTests {
    @Test("ctr --hosts-dir with the written hosts.toml (client pair, CA) pulls docker.io/library/test through the mirror; without the pair it is refused")
    func containerdWithClientPair() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-ctr-clientcert")
        var started: [@Sendable () async -> Void] = []
        do {
            let upstream = try await seededUpstream(in: folder, layerSize: 40_000, seed: 172)
            started.append { await upstream.stop() }
            let serverCA = try await TestCertificateAuthority.make(in: folder, name: "server-ca")
            let leaf = try await serverCA.issue("mirror")
            let wharfBinary = try WharfProcess.binaryPath()
            let early = try await Command.run("/bin/sh", ["-c", "cd \(folder.path) && \(wharfBinary) client-cert issue placeholder --host placeholder:1 --out early"])
            #expect(early.status == 0, "\(early.summary)")
            let htpasswd = folder.file("htpasswd")
            let added = try await Command.run("/bin/sh", ["-c", "printf 'pw' | \(wharfBinary) htpasswd add --cost 5 \(htpasswd) someone"])
            #expect(added.status == 0, "\(added.summary)")
            let wharf = try await WharfProcess.start(
                in: folder,
                upstreamURL: upstream.url,
                proxyYAML: "  name: docker.io\n",
                httpYAML: "  tls:\n    certificate: \(leaf.certificatePath)\n    key: \(leaf.keyPath)\n",
                extraYAML: "auth:\n  htpasswd:\n    path: \(htpasswd)\n  clientcert:\n    cas: [\(folder.path)/certs/ca.pem]\n"
            )
            started.append { await wharf.stop() }
            let mirror = "localhost:\(wharf.port)"
            let issued = try await Command.run("/bin/sh", ["-c", "cd \(folder.path) && \(wharfBinary) client-cert issue node-7 --host \(mirror) --server-ca \(serverCA.certificatePath) --out out"])
            #expect(issued.status == 0, "\(issued.summary)")

            let ctr = try Command.locate("ctr", debianPackage: "containerd")
            let daemon = try await ContainerdDaemon.start(in: folder)
            started.append { await daemon.process.stop() }
            let socket = daemon.socket

            // The CA alone (the pair's line taken out): refused.
            let caOnly = try folder.folder("ca-only/docker.io")
            let written = try String(contentsOfFile: folder.file("out/containerd/certs.d/docker.io/hosts.toml"), encoding: .utf8)
            try written.split(separator: "\n").filter { !$0.contains("client =") }.joined(separator: "\n")
                .replacingOccurrences(of: "../\(mirror)/ca.crt", with: serverCA.certificatePath)
                .write(toFile: caOnly + "/hosts.toml", atomically: true, encoding: .utf8)
            let refused = try await Command.run(ctr, ["--address", socket, "images", "pull", "--hosts-dir", folder.file("ca-only"), "docker.io/library/test:latest"], timeout: .seconds(60))
            #expect(refused.status != 0, "\(refused.summary)")
            #expect(wharf.log().contains("status=401"), "\(wharf.log().suffix(2000))")

            let pulled = try await Command.run(
                ctr,
                ["--address", socket, "images", "pull", "--hosts-dir", folder.file("out/containerd/certs.d"), "docker.io/library/test:latest"],
                timeout: .seconds(120)
            )
            #expect(pulled.status == 0, "\(pulled.summary)\n\(wharf.log().suffix(3000))")
            let log = wharf.log()
            #expect(log.contains("ns=docker.io") && log.contains("user=node-7") && log.contains("auth=certificate"), "\(log.suffix(3000))")
        } catch {
            Issue.record(error)
        }
        for stop in started.reversed() { await stop() }
        folder.remove()
    }
}

import Foundation
import Testing
import WharfTesting

/// A docker-registry holding one image as `library/test:latest`.
func seededUpstream(in folder: TemporaryFolder, layerSize: Int, seed: UInt64) async throws -> DockerRegistryPeer {
    let image = try ImageFactory.image(layerSizes: [layerSize], seed: seed)
    let upstream = try await DockerRegistryPeer.start(in: folder)
    let seeder = RegistrySeeder(baseURL: upstream.url)
    try await seeder.push(image, repository: "library/test", tag: "latest")
    try await seeder.shutdown()
    return upstream
}

@Suite("auth.clientcert: a client certificate or a password on one listener")
struct ClientCertificateAuthTests {
    /// Wharf over TLS with `auth.clientcert` (a client CA and a revocation file) beside htpasswd (alice).
    struct Setup {
        let folder: TemporaryFolder
        let upstream: DockerRegistryPeer
        let wharf: WharfProcess
        let serverCA: TestCertificateAuthority
        let clientCA: TestCertificateAuthority
        let revokedPath: String

        static func start(_ name: String) async throws -> Setup {
            let folder = try TemporaryFolder(prefix: "wharf-\(name)")
            let upstream = try await seededUpstream(in: folder, layerSize: 20_000, seed: 160)
            let serverCA = try await TestCertificateAuthority.make(in: folder, name: "server-ca")
            let leaf = try await serverCA.issue("server")
            let clientCA = try await TestCertificateAuthority.make(in: folder, name: "client-ca")
            let htpasswd = folder.file("htpasswd")
            let added = try await Command.run("/bin/sh", ["-c", "printf 'alice-pw' | \(try WharfProcess.binaryPath()) htpasswd add --cost 5 \(htpasswd) alice"])
            #expect(added.status == 0, "\(added.summary)")
            let revokedPath = folder.file("revoked")
            try "# nothing revoked yet\n".write(toFile: revokedPath, atomically: true, encoding: .utf8)
            let wharf = try await WharfProcess.start(
                in: folder,
                upstreamURL: upstream.url,
                httpYAML: "  tls:\n    certificate: \(leaf.certificatePath)\n    key: \(leaf.keyPath)\n",
                extraYAML: "auth:\n  htpasswd:\n    path: \(htpasswd)\n  clientcert:\n    cas: [\(clientCA.certificatePath)]\n    revoked: \(revokedPath)\n"
            )
            return Setup(folder: folder, upstream: upstream, wharf: wharf, serverCA: serverCA, clientCA: clientCA, revokedPath: revokedPath)
        }

        var manifestURL: String { wharf.httpsURL + "/v2/library/test/manifests/latest" }

        /// curl trusting the server CA, with `arguments` before the URLs; prints each status on its own line.
        func curl(_ arguments: [String], urls: [String]? = nil) async throws -> ProcessResult {
            let curl = try Command.locate("curl", debianPackage: "curl")
            return try await Command.run(
                curl,
                ["-sS", "--cacert", serverCA.certificatePath, "-w", "%{http_code} %{num_connects}\n"] + arguments
                    + (urls ?? [manifestURL]).flatMap { ["-o", "/dev/null", $0] },
                timeout: .seconds(60)
            )
        }

        func stop() async {
            await wharf.stop()
            await upstream.stop()
            folder.remove()
        }
    }

    @Test("a certificate from the client CA or alice's password is admitted, and the log names the client; nothing is 401")
    func eitherCredential() async throws {
        let setup = try await Setup.start("clientcert-either")
        let robot = try await setup.clientCA.issue("robot", names: ["robot-7"], clientAuth: true)
        let certified = try await setup.curl(["--cert", robot.certificatePath, "--key", robot.keyPath])
        #expect(certified.stdout == "200 1\n", "\(certified.summary)\n\(setup.wharf.log().suffix(2000))")
        // A second connection resuming the first one's TLS session is still admitted by the certificate.
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let session = setup.folder.file("session")
        let request = "printf 'GET /v2/library/test/manifests/latest HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n'"
        let client = "\(openssl) s_client -connect 127.0.0.1:\(setup.wharf.port) -servername localhost -tls1_3 -CAfile \(setup.serverCA.certificatePath) -cert \(robot.certificatePath) -key \(robot.keyPath)"
        _ = try await Command.run("/bin/sh", ["-c", "\(request) | \(client) -sess_out \(session) -ign_eof >/dev/null 2>&1"])
        let resumed = try await Command.run("/bin/sh", ["-c", "\(request) | \(client) -sess_in \(session) -ign_eof 2>/dev/null"])
        #expect(resumed.stdout.contains("Reused, TLSv1.3") && resumed.stdout.contains("HTTP/1.1 200"), "\(resumed.summary)")
        let password = try await setup.curl(["-u", "alice:alice-pw"])
        #expect(password.stdout == "200 1\n", "\(password.summary)")
        let anonymous = try await setup.curl([])
        #expect(anonymous.stdout == "401 1\n", "\(anonymous.summary)")
        let wrong = try await setup.curl(["-u", "alice:wrong"])
        #expect(wrong.stdout == "401 1\n", "\(wrong.summary)")
        let log = setup.wharf.log()
        #expect(log.contains("user=robot-7") && log.contains("auth=certificate"), "\(log.suffix(3000))")
        #expect(log.contains("user=alice") && log.contains("auth=password"), "\(log.suffix(3000))")
        await setup.stop()
    }

    @Test("a certificate from another CA, or an expired one, is refused at the handshake")
    func refusedAtHandshake() async throws {
        let setup = try await Setup.start("clientcert-handshake")
        let stranger = try await TestCertificateAuthority.make(in: setup.folder, name: "stranger-ca")
        let foreign = try await stranger.issue("foreign", names: ["foreign"], clientAuth: true)
        let refused = try await setup.curl(["--cert", foreign.certificatePath, "--key", foreign.keyPath, "-u", "alice:alice-pw"])
        // With alice's valid password, any HTTP answer would be 200: no answer at all means the handshake failed.
        #expect(refused.status != 0 && refused.stdout.hasPrefix("000"), "\(refused.summary)")
        let expired = try await setup.clientCA.issueExpired("expired", name: "old-robot")
        let stale = try await setup.curl(["--cert", expired.certificatePath, "--key", expired.keyPath, "-u", "alice:alice-pw"])
        #expect(stale.status != 0 && stale.stdout.hasPrefix("000"), "\(stale.summary)")
        #expect(!setup.wharf.log().contains("user=old-robot") && !setup.wharf.log().contains("user=foreign"))
        await setup.stop()
    }

    @Test("a certificate added to the revocation file is refused within seconds, also on a connection kept alive since before")
    func revocation() async throws {
        let setup = try await Setup.start("clientcert-revoked")
        let robot = try await setup.clientCA.issue("robot", names: ["robot-9"], clientAuth: true)
        let other = try await setup.clientCA.issue("other", names: ["robot-10"], clientAuth: true)
        // One curl, one connection, one request a second; the certificate is revoked while it runs.
        async let keptAlive = setup.curl(
            ["--cert", robot.certificatePath, "--key", robot.keyPath, "--rate", "2/s"],
            urls: Array(repeating: setup.manifestURL, count: 24)
        )
        try await Task.sleep(for: .seconds(3))
        let serial = robot.serial
        try "# lost laptop\nserial=\(serial)\n".write(toFile: setup.revokedPath, atomically: true, encoding: .utf8)
        let lines = try await keptAlive.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 24, "\(lines)")
        #expect(lines.first == "200 1", "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(" 0") }, "one connection throughout: \(lines)")
        #expect(lines.last == "403 0", "\(lines)\n\(setup.wharf.log().suffix(2000))")
        let firstRefused = try #require(lines.firstIndex { $0.hasPrefix("403") })
        #expect(lines[..<firstRefused].allSatisfy { $0.hasPrefix("200") } && lines[firstRefused...].allSatisfy { $0.hasPrefix("403") }, "\(lines)")
        let fresh = try await setup.curl(["--cert", robot.certificatePath, "--key", robot.keyPath, "-u", "alice:alice-pw"])
        #expect(fresh.stdout == "403 1\n", "a revoked certificate is not rescued by a password: \(fresh.summary)")
        let unrevoked = try await setup.curl(["--cert", other.certificatePath, "--key", other.keyPath])
        #expect(unrevoked.stdout == "200 1\n", "\(unrevoked.summary)")
        #expect(setup.wharf.log().contains("revocation list reloaded"))
        await setup.stop()
    }

    @Test("auth.trustednetworks admits its clients without credentials; a client outside them still needs one", arguments: [
        ("[127.0.0.0/8]", "200"), ("[\"::1/128\", 10.0.0.0/8]", "401"), ("[\"::ffff:127.0.0.0/104\"]", "401"),
    ])
    func trustedNetworks(_ networks: String, _ expected: String) async throws {
        let folder = try TemporaryFolder(prefix: "wharf-trusted")
        defer { folder.remove() }
        let upstream = try await seededUpstream(in: folder, layerSize: 10_000, seed: 161)
        let htpasswd = folder.file("htpasswd")
        let added = try await Command.run("/bin/sh", ["-c", "printf 'alice-pw' | \(try WharfProcess.binaryPath()) htpasswd add --cost 5 \(htpasswd) alice"])
        #expect(added.status == 0, "\(added.summary)")
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            extraYAML: "auth:\n  trustednetworks: \(networks)\n  htpasswd:\n    path: \(htpasswd)\n"
        )
        let curl = try Command.locate("curl", debianPackage: "curl")
        let anonymous = try await Command.run(curl, ["-sS", "-o", "/dev/null", "-w", "%{http_code}", wharf.url + "/v2/library/test/manifests/latest"])
        #expect(anonymous.stdout == expected, "\(anonymous.summary)\n\(wharf.log().suffix(1500))")
        let signedIn = try await Command.run(curl, ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:alice-pw", wharf.url + "/v2/library/test/manifests/latest"])
        #expect(signedIn.stdout == "200", "\(signedIn.summary)")
        if expected == "200" { #expect(wharf.log().contains("auth=network"), "\(wharf.log().suffix(1500))") }
        await wharf.stop()
        await upstream.stop()
    }
}

@Suite("wharf client-cert: issued files admitted by curl, skopeo and podman")
struct ClientCertCommandTests {
    @Test("certificates issued by `wharf client-cert issue` from the local CA are admitted (curl, skopeo, podman); `list` shows them and which are revoked")
    func issuedFilesAreAdmitted() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-client-cert-cli")
        defer { folder.remove() }
        let wharfBinary = try WharfProcess.binaryPath()
        // The first issue makes the local CA in folder/certs, which Wharf then trusts for clients.
        let first = try await Command.run("/bin/sh", ["-c", "cd \(folder.path) && \(wharfBinary) client-cert issue early-bot --host placeholder:1 --out early"])
        #expect(first.status == 0, "\(first.summary)")
        let upstream = try await seededUpstream(in: folder, layerSize: 15_000, seed: 162)
        let serverCA = try await TestCertificateAuthority.make(in: folder, name: "server-ca")
        let leaf = try await serverCA.issue("server")
        let revoked = folder.file("revoked")
        try "".write(toFile: revoked, atomically: true, encoding: .utf8)
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            httpYAML: "  tls:\n    certificate: \(leaf.certificatePath)\n    key: \(leaf.keyPath)\n",
            extraYAML: "auth:\n  clientcert:\n    cas: [\(folder.path)/certs/ca.pem]\n    revoked: \(revoked)\n"
        )
        let host = "localhost:\(wharf.port)"
        let issued = try await Command.run("/bin/sh", ["-c", "cd \(folder.path) && \(wharfBinary) client-cert issue ci-bot --days 7 --host \(host) --server-ca \(serverCA.certificatePath) --out out"])
        #expect(issued.status == 0, "\(issued.summary)")
        let docker = folder.file("out/docker/certs.d/\(host)")
        // curl reads "FILE:PASSWORD" from --cert, so the folder's colon is escaped there.
        let curl = try Command.locate("curl", debianPackage: "curl")
        let url = wharf.httpsURL + "/v2/library/test/manifests/latest"
        let admitted = try await Command.run(curl, ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", docker + "/ca.crt", "--cert", (docker + "/client.cert").replacingOccurrences(of: ":", with: "\\:"), "--key", docker + "/client.key", url])
        #expect(admitted.stdout == "200", "\(admitted.summary)\n\(wharf.log().suffix(2000))")
        let anonymous = try await Command.run(curl, ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", docker + "/ca.crt", url])
        #expect(anonymous.stdout == "401", "\(anonymous.summary)")
        let skopeo = try await Skopeo.copy(
            "docker://\(host)/library/test:latest", "dir:\(folder.file("pulled"))",
            arguments: ["--src-cert-dir", folder.file("out/containers/certs.d/\(host)")]
        )
        #expect(skopeo.status == 0, "\(skopeo.summary)\n\(wharf.log().suffix(2000))")
        let podman = try Command.locate("podman", debianPackage: "podman")
        let storage = folder.file("storage.conf")
        try "[storage]\ndriver = \"vfs\"\nrunroot = \"\(folder.path)/run\"\ngraphroot = \"\(folder.path)/graph\"\n"
            .write(toFile: storage, atomically: true, encoding: .utf8)
        // An empty auth file: no credentials, so the certificate alone admits podman.
        try #"{"auths":{}}"#.write(toFile: folder.file("no-auth.json"), atomically: true, encoding: .utf8)
        let podmanPull = try await Command.run(
            podman, ["pull", "--cert-dir", folder.file("out/containers/certs.d/\(host)"), "\(host)/library/test:latest"],
            environment: ["CONTAINERS_STORAGE_CONF": storage, "REGISTRY_AUTH_FILE": folder.file("no-auth.json")], timeout: .seconds(180)
        )
        #expect(podmanPull.status == 0, "\(podmanPull.summary)\n\(wharf.log().suffix(2000))")
        let withoutCertificate = try await Skopeo.copy(
            "docker://\(host)/library/test:latest", "dir:\(folder.file("refused"))",
            arguments: ["--src-cert-dir", try folder.folder("ca-only"), "--src-tls-verify=false", "--retry-times=0"]
        )
        #expect(withoutCertificate.status != 0, "\(withoutCertificate.summary)")
        #expect(wharf.log().contains("user=ci-bot"), "\(wharf.log().suffix(2000))")
        let serial = try await TestCertificateAuthority.serial(ofCertificateAt: docker + "/client.cert")
        try "serial=\(serial)\n".write(toFile: revoked, atomically: true, encoding: .utf8)
        let listed = try await Command.run("/bin/sh", ["-c", "cd \(folder.path) && \(wharfBinary) client-cert list --config \(wharf.configPath)"])
        #expect(listed.status == 0, "\(listed.summary)")
        let rows = listed.stdout.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows.count == 3, "\(listed.stdout)")
        #expect(rows.dropFirst().map { [$0[0], $0[3]] } == [["early-bot", "valid"], ["ci-bot", "revoked"]], "\(listed.stdout)")
        #expect(rows.last?[1] == serial)
        await wharf.stop()
        await upstream.stop()
    }
}

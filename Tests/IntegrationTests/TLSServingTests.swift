import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("TLS serving: certificates swapped without restart, HTTP/2, client certificates, the plain listener")
struct TLSServingTests {
    /// An upstream with one image, a test CA, and Wharf serving a copy of leaf A from `live.pem`/`live.key`.
    struct Setup {
        let folder: TemporaryFolder
        let upstream: DockerRegistryPeer
        let authority: TestCertificateAuthority
        let leafA: TestCertificateAuthority.Leaf
        let wharf: WharfProcess
        let image: TestImage
        let certDir: String

        static func start(_ name: String, layerSize: Int = 100_000, httpYAML: String = "") async throws -> Setup {
            let folder = try TemporaryFolder(prefix: "wharf-\(name)")
            let image = try ImageFactory.image(layerSizes: [layerSize], seed: 110)
            let upstream = try await DockerRegistryPeer.start(in: folder)
            let seeder = RegistrySeeder(baseURL: upstream.url)
            try await seeder.push(image, repository: "library/test", tag: "latest")
            try await seeder.shutdown()
            let authority = try await TestCertificateAuthority.make(in: folder)
            let leafA = try await authority.issue("leaf-a")
            try FileManager.default.copyItem(atPath: leafA.certificatePath, toPath: folder.file("live.pem"))
            try FileManager.default.copyItem(atPath: leafA.keyPath, toPath: folder.file("live.key"))
            let certDir = try folder.folder("certdir")
            try FileManager.default.copyItem(atPath: authority.certificatePath, toPath: certDir + "/ca.crt")
            let wharf = try await WharfProcess.start(
                in: folder,
                upstreamURL: upstream.url,
                httpYAML: "  tls:\n    certificate: \(folder.file("live.pem"))\n    key: \(folder.file("live.key"))\n" + httpYAML
            )
            return Setup(folder: folder, upstream: upstream, authority: authority, leafA: leafA, wharf: wharf, image: image, certDir: certDir)
        }

        /// Replaces the live files atomically, as an operator or a renewal does.
        func install(_ leaf: TestCertificateAuthority.Leaf) throws {
            for (source, target) in [(leaf.keyPath, "live.key"), (leaf.certificatePath, "live.pem")] {
                let staging = folder.file(target + ".new")
                try? FileManager.default.removeItem(atPath: staging)
                try FileManager.default.copyItem(atPath: source, toPath: staging)
                guard rename(staging, folder.file(target)) == 0 else { throw TestSupportError("rename failed") }
            }
        }

        func stop() async {
            await wharf.stop()
            await upstream.stop()
            folder.remove()
        }
    }

    @Test("skopeo pulls over TLS trusting the CA, and fails without it")
    func skopeoOverTLS() async throws {
        let setup = try await Setup.start("tls-skopeo")
        let trusted = try await Skopeo.copy("docker://localhost:\(setup.wharf.port)/library/test:latest", "dir:\(setup.folder.file("a"))", arguments: ["--src-cert-dir", setup.certDir])
        #expect(trusted.status == 0, "\(trusted.summary)\n\(setup.wharf.log())")
        let untrusted = try await Skopeo.copy("docker://localhost:\(setup.wharf.port)/library/test:latest", "dir:\(setup.folder.file("b"))", arguments: ["--retry-times=0"])
        #expect(untrusted.status != 0)
        #expect(untrusted.stderr.contains("certificate"), "\(untrusted.summary)")
        await setup.stop()
    }

    @Test("replaced certificate files serve the next handshake while a running download completes intact")
    func rotationDuringDownload() async throws {
        let setup = try await Setup.start("tls-rotate", layerSize: 24 * 1024 * 1024)
        let layer = setup.image.layers[0]
        let curl = try Command.locate("curl", debianPackage: "curl")
        let output = setup.folder.file("layer.bin")
        #expect(try await TestCertificateAuthority.servedSerial(port: setup.wharf.port) == setup.leafA.serial)
        let leafB = try await setup.authority.issue("leaf-b")
        async let download = Command.run(curl, [
            "-sS", "--fail", "--cacert", setup.authority.certificatePath, "--limit-rate", "6M",
            "-o", output, setup.wharf.httpsURL + "/v2/library/test/blobs/\(layer.digest)",
        ], timeout: .seconds(120))
        try await Task.sleep(for: .seconds(1))
        try setup.install(leafB)
        let replaced = ContinuousClock.now
        var served: String?
        for _ in 0..<100 {
            served = try await TestCertificateAuthority.servedSerial(port: setup.wharf.port)
            if served == leafB.serial { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let swapTime = ContinuousClock.now - replaced
        #expect(served == leafB.serial, "the next handshake shows the new serial")
        let finished = try await download
        #expect(finished.status == 0, "\(finished.summary)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(TestBlob.digest(of: Array(bytes)) == layer.digest, "the download that spanned the swap is intact")
        #expect(setup.wharf.isRunning)
        print("certificate swap: first handshake with the new certificate \(swapTime) after the files were replaced")
        await setup.stop()
    }

    @Test("a broken replacement keeps the old certificate serving")
    func brokenReplacement() async throws {
        let setup = try await Setup.start("tls-broken")
        let mismatched = try await setup.authority.issue("leaf-c")
        // The new certificate with the old key: the pair does not match.
        try FileManager.default.removeItem(atPath: setup.folder.file("live.pem"))
        try FileManager.default.copyItem(atPath: mismatched.certificatePath, toPath: setup.folder.file("live.pem"))
        try await Task.sleep(for: .seconds(4))
        #expect(try await TestCertificateAuthority.servedSerial(port: setup.wharf.port) == setup.leafA.serial)
        try "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n".write(toFile: setup.folder.file("live.pem"), atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(4))
        #expect(try await TestCertificateAuthority.servedSerial(port: setup.wharf.port) == setup.leafA.serial)
        #expect(setup.wharf.log().contains("live.pem"), "the refusal names the file")
        await setup.stop()
    }

    @Test("HTTP/2 by ALPN pulls a blob; TLS 1.1 is refused")
    func http2AndVersions() async throws {
        let setup = try await Setup.start("tls-h2")
        let curl = try Command.locate("curl", debianPackage: "curl")
        let layer = setup.image.layers[0]
        let output = setup.folder.file("h2.bin")
        let h2 = try await Command.run(curl, [
            "-sS", "--http2", "--cacert", setup.authority.certificatePath, "-o", output, "-w", "%{http_version} %{http_code}",
            setup.wharf.httpsURL + "/v2/library/test/blobs/\(layer.digest)",
        ])
        #expect(h2.stdout == "2 200", "\(h2.summary)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == Data(layer.bytes))
        let old = try await Command.run(curl, ["-sS", "--tlsv1.1", "--tls-max", "1.1", "--cacert", setup.authority.certificatePath, setup.wharf.httpsURL + "/v2/"])
        #expect(old.status != 0, "a TLS 1.1 handshake must fail: \(old.summary)")
        let modern = try await Command.run(curl, ["-sS", "--tlsv1.2", "--cacert", setup.authority.certificatePath, setup.wharf.httpsURL + "/v2/"])
        #expect(modern.status == 0)
        await setup.stop()
    }

    @Test("with clientcas, a client without a certificate is refused and one with a signed certificate pulls")
    func clientCertificates() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-clientca-cas")
        defer { folder.remove() }
        let clientAuthority = try await TestCertificateAuthority.make(in: folder, name: "client-ca")
        let client = try await clientAuthority.issue("client", names: ["robot"], clientAuth: true)
        let setup = try await Setup.start("tls-clientca", httpYAML: "    clientcas: [\(clientAuthority.certificatePath)]\n")
        let curl = try Command.locate("curl", debianPackage: "curl")
        let url = setup.wharf.httpsURL + "/v2/library/test/manifests/latest"
        let anonymous = try await Command.run(curl, ["-sS", "--cacert", setup.authority.certificatePath, url])
        #expect(anonymous.status != 0, "no client certificate: \(anonymous.summary)")
        let signed = try await Command.run(curl, [
            "-sS", "--cacert", setup.authority.certificatePath, "--cert", client.certificatePath, "--key", client.keyPath,
            "-w", "\n%{http_code}", url,
        ])
        #expect(signed.stdout.hasSuffix("\n200"), "\(signed.summary)\n\(setup.wharf.log().suffix(2000))")
        await setup.stop()
    }

    @Test("the plain listener redirects to https")
    func plainListenerRedirects() async throws {
        let plainPort = try FreePort.make()
        let setup = try await Setup.start("tls-plain", httpYAML: "    letsencrypt:\n      httpaddr: 127.0.0.1:\(plainPort)\n")
        let curl = try Command.locate("curl", debianPackage: "curl")
        let redirect = try await Command.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "http://127.0.0.1:\(plainPort)/v2/library/test/tags/list?n=1"])
        #expect(redirect.stdout == "308 https://127.0.0.1:\(setup.wharf.port)/v2/library/test/tags/list?n=1")
        let unknownToken = try await Command.run(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(plainPort)/.well-known/acme-challenge/nothing"])
        #expect(unknownToken.stdout == "404")
        await setup.stop()
    }

    @Test("with no configuration file Wharf serves TLS from its own CA, and a client trusting it pulls")
    func defaultRun() async throws {
        let image = try ImageFactory.image(layerSizes: [50_000], seed: 111)
        let folder = try TemporaryFolder(prefix: "wharf-default")
        defer { folder.remove() }
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let seeder = RegistrySeeder(baseURL: upstream.url)
        try await seeder.push(image, repository: "library/test", tag: "latest")
        try await seeder.shutdown()
        let wharf = try await WharfProcess.startWithoutConfiguration(in: folder, upstreamURL: upstream.url)
        let certs = folder.path + "/certs"
        let attributes = try FileManager.default.attributesOfItem(atPath: certs)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect((try FileManager.default.attributesOfItem(atPath: certs + "/ca.key")[.posixPermissions] as? Int) == 0o600)
        #expect(wharf.log().contains(certs + "/ca.pem"), "the start-up log says where the CA certificate is")
        let certDir = try folder.folder("trust")
        try FileManager.default.copyItem(atPath: certs + "/ca.pem", toPath: certDir + "/ca.crt")
        let pulled = try await Skopeo.copy("docker://localhost:\(wharf.port)/library/test:latest", "dir:\(folder.file("out"))", arguments: ["--src-cert-dir", certDir])
        #expect(pulled.status == 0, "\(pulled.summary)\n\(wharf.log())")
        await wharf.stop()
        await upstream.stop()
    }
}

import Foundation
import Testing
import WharfTesting

/// containerd and podman, as real clients of a mirror for two registry hosts.
@Suite("containerd and podman pull through Wharf")
struct ContainerClientTests {
    /// Two upstreams standing in for docker.io and ghcr.io, and Wharf mirroring both over TLS
    /// (a test CA) with htpasswd credentials, as a production mirror is set up.
    struct TwoRegistries {
        let folder: TemporaryFolder
        let hub: DockerRegistryPeer
        let ghcr: DockerRegistryPeer
        let wharf: WharfProcess
        let hubImage: TestImage
        let ghcrImage: TestImage
        /// The CA that issued Wharf's certificate.
        let authority: TestCertificateAuthority
        let username = "puller"
        let password = "pull-secret"

        /// `host:port` clients use for the mirror (a name the certificate holds).
        var mirror: String { "localhost:\(wharf.port)" }
        /// `Basic …` for the credentials.
        var basicAuthorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }

        static func start(_ name: String) async throws -> TwoRegistries {
            let folder = try TemporaryFolder(prefix: "wharf-\(name)")
            let hubImage = try ImageFactory.image(layerSizes: [200_000, 100_000], seed: 100)
            let ghcrImage = try ImageFactory.image(layerSizes: [150_000], seed: 101)
            async let hub = DockerRegistryPeer.start(in: folder, name: "hub")
            async let ghcr = DockerRegistryPeer.start(in: folder, name: "ghcr")
            let (hubPeer, ghcrPeer) = try await (hub, ghcr)
            for (peer, image, repository) in [(hubPeer, hubImage, "library/test"), (ghcrPeer, ghcrImage, "org/app")] {
                let seeder = RegistrySeeder(baseURL: peer.url)
                try await seeder.push(image, repository: repository, tag: "1.0")
                try await seeder.shutdown()
            }
            let authority = try await TestCertificateAuthority.make(in: folder)
            let leaf = try await authority.issue("mirror")
            let htpasswd = folder.file("htpasswd")
            let made = try await Command.run(try Command.locate("htpasswd", debianPackage: "apache2-utils"), ["-Bbc", "-C", "5", htpasswd, "puller", "pull-secret"])
            guard made.status == 0 else { throw TestSupportError("htpasswd failed: \(made.summary)") }
            let wharf = try await WharfProcess.start(
                in: folder,
                upstreamURL: hubPeer.url,
                proxyYAML: "  name: docker.io\n  upstreams:\n    - name: ghcr.io\n      remoteurl: \(ghcrPeer.url)",
                httpYAML: "  tls:\n    certificate: \(leaf.certificatePath)\n    key: \(leaf.keyPath)\n",
                extraYAML: "auth:\n  htpasswd:\n    realm: mirror\n    path: \(htpasswd)\n"
            )
            return TwoRegistries(folder: folder, hub: hubPeer, ghcr: ghcrPeer, wharf: wharf, hubImage: hubImage, ghcrImage: ghcrImage, authority: authority)
        }

        func stop() async {
            await wharf.stop()
            await hub.stop()
            await ghcr.stop()
            folder.remove()
        }
    }

    @Test("containerd (ctr --hosts-dir, as on a Kubernetes node) pulls over TLS with the CA and credentials in hosts.toml, from two registry hosts, sending ?ns=")
    func containerd() async throws {
        let setup = try await TwoRegistries.start("containerd")
        do {
            let ctr = try Command.locate("ctr", debianPackage: "containerd")
            let containerd = try await ContainerdDaemon.start(in: setup.folder)
            let daemon = containerd.process
            let socket = containerd.socket
            for host in ["docker.io", "ghcr.io"] {
                let hostsFolder = try setup.folder.folder("hosts/\(host)")
                try """
                    server = "https://\(host == "docker.io" ? "registry-1.docker.io" : host)"
                    [host."https://\(setup.mirror)"]
                      capabilities = ["pull", "resolve"]
                      ca = "\(setup.authority.certificatePath)"
                      [host."https://\(setup.mirror)".header]
                        Authorization = ["\(setup.basicAuthorization)"]
                    """.write(toFile: hostsFolder + "/hosts.toml", atomically: true, encoding: .utf8)
            }
            for reference in ["docker.io/library/test:1.0", "ghcr.io/org/app:1.0"] {
                let pulled = try await Command.run(
                    ctr,
                    ["--address", socket, "images", "pull", "--hosts-dir", setup.folder.path + "/hosts", reference],
                    timeout: .seconds(120)
                )
                #expect(pulled.status == 0, "\(reference): \(pulled.summary)\n\(setup.wharf.log().suffix(3000))")
            }
            let listed = try await Command.run(ctr, ["--address", socket, "images", "list", "-q"])
            #expect(listed.stdout.contains("docker.io/library/test:1.0"))
            #expect(listed.stdout.contains("ghcr.io/org/app:1.0"))
            // containerd really sent ns=, and each upstream was asked only for its own image.
            #expect(setup.wharf.log().contains("ns=docker.io"))
            #expect(setup.wharf.log().contains("ns=ghcr.io"))
            #expect(setup.hub.requestCount(method: "GET", pathContains: setup.hubImage.layers[0].digest) == 1)
            #expect(setup.ghcr.requestCount(method: "GET", pathContains: setup.ghcrImage.layers[0].digest) == 1)
            #expect(setup.hub.requestCount(method: "GET", pathContains: setup.ghcrImage.layers[0].digest) == 0)
            await daemon.stop()
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    @Test("podman pulls over TLS with credentials through a registries.conf mirror whose location carries a path prefix")
    func podman() async throws {
        let setup = try await TwoRegistries.start("podman")
        do {
            let podman = try Command.locate("podman", debianPackage: "podman")
            let conf = setup.folder.file("registries.conf")
            try """
                [[registry]]
                prefix = "docker.io"
                location = "docker.io"
                [[registry.mirror]]
                location = "\(setup.mirror)/docker.io"

                [[registry]]
                prefix = "ghcr.io"
                location = "ghcr.io"
                [[registry.mirror]]
                location = "\(setup.mirror)/ghcr.io"
                """.write(toFile: conf, atomically: true, encoding: .utf8)
            let storage = setup.folder.file("storage.conf")
            try "[storage]\ndriver = \"vfs\"\nrunroot = \"\(setup.folder.path)/run\"\ngraphroot = \"\(setup.folder.path)/graph\"\n"
                .write(toFile: storage, atomically: true, encoding: .utf8)
            // What `podman login localhost:PORT` writes, and the CA where certs.d would hold it.
            let authFile = setup.folder.file("auth.json")
            let encoded = Data("\(setup.username):\(setup.password)".utf8).base64EncodedString()
            try #"{"auths":{"\#(setup.mirror)":{"auth":"\#(encoded)"}}}"#
                .write(toFile: authFile, atomically: true, encoding: .utf8)
            let certDir = try setup.folder.folder("certs.d")
            try FileManager.default.copyItem(atPath: setup.authority.certificatePath, toPath: certDir + "/ca.crt")
            let environment = ["CONTAINERS_REGISTRIES_CONF": conf, "CONTAINERS_STORAGE_CONF": storage, "REGISTRY_AUTH_FILE": authFile]
            for reference in ["docker.io/library/test:1.0", "ghcr.io/org/app:1.0"] {
                let pulled = try await Command.run(podman, ["pull", "--cert-dir", certDir, reference], environment: environment, timeout: .seconds(180))
                #expect(pulled.status == 0, "\(reference): \(pulled.summary)\n\(setup.wharf.log().suffix(3000))")
            }
            #expect(setup.ghcr.requestCount(method: "GET", pathContains: setup.ghcrImage.layers[0].digest) == 1)
            #expect(setup.hub.requestCount(method: "GET", pathContains: setup.hubImage.layers[0].digest) == 1)
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }
}

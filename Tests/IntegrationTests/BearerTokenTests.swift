import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("the Bearer token flow against docker-registry with auth: token")
struct BearerTokenTests {
    /// A token-protected upstream, seeded through a second docker-registry without auth on the same storage.
    private static func protectedUpstream(
        in folder: TemporaryFolder,
        image: TestImage,
        credentials: (user: String, password: String)?
    ) async throws -> (DockerRegistryPeer, TokenServiceStandIn) {
        let tokens = try await TokenServiceStandIn.start(in: folder, requiredCredentials: credentials)
        let root = try folder.folder("shared-storage")
        let seedRegistry = try await DockerRegistryPeer.start(in: folder, name: "seed", rootDirectory: root)
        let seeder = RegistrySeeder(baseURL: seedRegistry.url)
        try await seeder.push(image, repository: "library/test", tag: "latest")
        try await seeder.shutdown()
        await seedRegistry.stop()
        let upstream = try await DockerRegistryPeer.start(in: folder, name: "protected", rootDirectory: root, tokenAuth: tokens.authSettings)
        return (upstream, tokens)
    }

    @Test("anonymous tokens: Wharf asks the realm with service and scope, then pulls")
    func anonymousToken() async throws {
        let image = try ImageFactory.image(layerSizes: [100_000], seed: 50)
        let folder = try TemporaryFolder(prefix: "wharf-bearer")
        defer { folder.remove() }
        let (upstream, tokens) = try await Self.protectedUpstream(in: folder, image: image, credentials: nil)
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: upstream.url)
        let pulled = try await Skopeo.copy("docker://\(wharf.hostPort)/library/test:latest", "dir:\(folder.file("out"))", arguments: ["--src-tls-verify=false"])
        #expect(pulled.status == 0, "\(pulled.summary)\n\(wharf.log())")
        let requests = tokens.requests()
        #expect(!requests.isEmpty)
        #expect(requests.allSatisfy { $0.scope == "repository:library/test:pull" && $0.service == tokens.service })
        #expect(requests.allSatisfy { !$0.hadAuthorization }, "no credentials are configured, none are sent")
        // The token is cached for its lifetime: far fewer token requests than upstream requests.
        #expect(requests.count <= 2, "got \(requests.count) token requests")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder.file("out") + "/" + image.layers[0].hex))
        #expect(data == Data(image.layers[0].bytes))
        await wharf.stop()
        await upstream.stop()
        await tokens.stop()
    }

    @Test("a token service that requires credentials gets them; without them the client sees UNAUTHORIZED")
    func credentialedToken() async throws {
        let image = try ImageFactory.image(layerSizes: [50_000], seed: 51)
        let folder = try TemporaryFolder(prefix: "wharf-bearer-creds")
        defer { folder.remove() }
        let (upstream, tokens) = try await Self.protectedUpstream(in: folder, image: image, credentials: ("robot", "t0ken-pa55"))

        let anonymous = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, name: "anonymous")
        let refused = try await HTTPProbe.send(.GET, anonymous.url + "/v2/library/test/manifests/latest")
        #expect(refused.status == 401)
        #expect(refused.errorCode == "UNAUTHORIZED")
        await anonymous.stop()

        let wharf = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, proxyYAML: "  username: robot\n  password: t0ken-pa55", name: "robot")
        let pulled = try await Skopeo.copy("docker://\(wharf.hostPort)/library/test:latest", "dir:\(folder.file("out"))", arguments: ["--src-tls-verify=false"])
        #expect(pulled.status == 0, "\(pulled.summary)\n\(wharf.log())")
        #expect(tokens.requests().contains { $0.hadAuthorization && $0.account == "robot" && $0.issued })
        #expect(!wharf.log().contains("t0ken-pa55"))
        await wharf.stop()
        await upstream.stop()
        await tokens.stop()
    }
}

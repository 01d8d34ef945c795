import Registry
import Testing
import Upstream

@Suite("Upstream configuration, challenges and credential scope")
struct UpstreamConfigurationTests {
    @Test("Docker Hub's URL is known as docker.io and gets library/ names")
    func dockerHub() throws {
        let hub = try UpstreamConfiguration(remoteURL: "https://registry-1.docker.io")
        #expect(hub.name == "docker.io")
        #expect(hub.isDockerHub)
        #expect(hub.upstreamName(try RepositoryName("alpine")).value == "library/alpine")
        #expect(hub.url("library/alpine/manifests/3") == "https://registry-1.docker.io/v2/library/alpine/manifests/3")
    }

    @Test("other registries keep names as they are and are known by host:port")
    func otherRegistry() throws {
        let local = try UpstreamConfiguration(remoteURL: "http://127.0.0.1:5000/")
        #expect(local.name == "127.0.0.1:5000")
        #expect(local.upstreamName(try RepositoryName("alpine")).value == "alpine")
        #expect(local.origin == "http://127.0.0.1:5000")
    }

    @Test("bad remote URLs are refused", arguments: ["", "registry-1.docker.io", "ftp://x", "https://", "https://u:p@x.io", "https://x.io/?a=b"])
    func badURLs(_ url: String) {
        #expect(throws: UpstreamError.self) { try UpstreamConfiguration(remoteURL: url) }
    }

    @Test("a Bearer challenge parses into realm, service and scope")
    func bearerChallenge() throws {
        let challenge = try #require(
            AuthenticationChallenge(header: #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#)
        )
        #expect(challenge.scheme == "bearer")
        #expect(challenge.parameters["realm"] == "https://auth.docker.io/token")
        #expect(challenge.parameters["service"] == "registry.docker.io")
        #expect(challenge.parameters["scope"] == "repository:library/alpine:pull")
    }

    @Test("Basic challenges, unquoted values and escapes parse")
    func otherChallenges() throws {
        let basic = try #require(AuthenticationChallenge(header: #"Basic realm="Registry \"x\"""#))
        #expect(basic.scheme == "basic")
        #expect(basic.parameters["realm"] == #"Registry "x""#)
        let bare = try #require(AuthenticationChallenge(header: "Bearer realm=https://a.b/token, service=reg"))
        #expect(bare.parameters["service"] == "reg")
        #expect(AuthenticationChallenge(header: "") == nil)
    }

    @Test("credentials go only to the upstream's registrable domain")
    func registrableDomain() {
        #expect(RegistrableDomain.sameSite("auth.docker.io", "registry-1.docker.io"))
        #expect(RegistrableDomain.sameSite("ghcr.io", "ghcr.io"))
        #expect(!RegistrableDomain.sameSite("evil.example", "registry-1.docker.io"))
        #expect(!RegistrableDomain.sameSite("docker.io.evil.example", "registry-1.docker.io"))
        #expect(RegistrableDomain.sameSite("127.0.0.1", "127.0.0.1"))
        #expect(!RegistrableDomain.sameSite("127.0.0.2", "127.0.0.1"))
    }

    @Test("upstream failures map to the client's OCI errors")
    func errorMapping() {
        #expect(UpstreamError(.notFound, "x").registryError(notFound: .blobUnknown).code == .blobUnknown)
        #expect(UpstreamError(.tooManyRequests, "x").registryError(notFound: .blobUnknown).code == .tooManyRequests)
        #expect(UpstreamError(.tooManyRequests, "x").registryError(notFound: .blobUnknown).retryAfter == 60)
        #expect(UpstreamError(.unavailable, "x").registryError(notFound: .blobUnknown).code.status == 503)
        #expect(UpstreamError(.badResponse, "x").registryError(notFound: .blobUnknown).code.status == 502)
    }
}

import PullThrough
import Registry
import Testing
import WharfServer

@Suite("repositories: allow, deny and pinned in the configuration")
struct RepositoryPolicyConfigurationTests {
    let loader = ConfigurationLoader()

    @Test("proxy.repositories and each upstream's repositories are read, and printed back")
    func readsPolicies() throws {
        let yaml = """
            version: 0.1
            proxy:
              remoteurl: https://registry-1.docker.io
              repositories:
                allow: ["library/*", "myorg/**"]
                deny: [library/ubuntu, "**:latest"]
                pinned: ["myorg/base:v1*"]
              upstreams:
                - name: ghcr.io
                  remoteurl: https://ghcr.io
                  repositories:
                    deny: evil/**
            """
        let configuration = try loader.load(yaml: yaml, source: "c.yml", environment: [:]).configuration
        let policy = configuration.proxy.repositories
        #expect(policy.allow.map(\.text) == ["library/*", "myorg/**"])
        #expect(policy.deny.map(\.text) == ["library/ubuntu", "**:latest"])
        #expect(policy.pinned.map(\.text) == ["myorg/base:v1*"])
        #expect(policy.decide(try RepositoryName("library/ubuntu")) == .refused(rule: #"proxy.repositories.deny "library/ubuntu""#, reason: "deny"))
        let ghcr = configuration.proxy.upstreams[0].repositories
        #expect(ghcr.deny.map(\.text) == ["evil/**"])
        #expect(ghcr.decide(try RepositoryName("evil/x")) == .refused(rule: #"proxy.upstreams[0].repositories.deny "evil/**""#, reason: "deny"))
        #expect(ghcr.decide(try RepositoryName("library/ubuntu")) == .allowed, "the default upstream's policy is not the other upstreams'")
        let printed = ConfigurationPrinter.render(configuration)
        #expect(printed.contains(#"    allow: ["library/*", "myorg/**"]"#), "\(printed)")
        #expect(printed.contains(#"        deny: ["evil/**"]"#), "\(printed)")
        let reloaded = try loader.load(yaml: printed, source: "printed", environment: [:]).configuration
        #expect(reloaded.proxy.repositories == policy)
    }

    @Test(
        "a malformed pattern or key is an error at its file, line and key",
        arguments: [
            ("proxy:\n  repositories:\n    deny:\n      - library/*\n      - Library/X\n", "proxy.repositories.deny[1]", 5, "lower-case"),
            ("proxy:\n  repositories:\n    allow: [\"a//b\"]\n", "proxy.repositories.allow[0]", 3, "empty path component"),
            ("proxy:\n  repositories:\n    allow: [\"**:latest\"]\n", "proxy.repositories.allow[0]", 3, "not tags"),
            ("proxy:\n  repositories:\n    pinned: [myorg/base]\n", "proxy.repositories.pinned[0]", 3, "REPOSITORY:TAG"),
            ("proxy:\n  repositories:\n    refuse: [x]\n", "proxy.repositories.refuse", 3, "unknown key"),
            ("proxy:\n  repositories: [x]\n", "proxy.repositories", 2, "must be a section"),
            (
                "proxy:\n  upstreams:\n    - name: ghcr.io\n      remoteurl: https://ghcr.io\n      repositories:\n        deny: [\"x/**y\"]\n",
                "proxy.upstreams[0].repositories.deny[0]", 6, "** inside a component"
            ),
            (
                "proxy:\n  upstreams:\n    - name: ghcr.io\n      remoteurl: https://ghcr.io\n      repositories:\n        block: [x]\n",
                "proxy.upstreams[0].repositories.block", 6, "unknown key"
            ),
        ]
    )
    func malformed(yaml: String, key: String, line: Int, reason: String) {
        #expect {
            _ = try loader.load(yaml: yaml, source: "c.yml", environment: [:])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.line == line && error.message.contains(reason) && error.description.hasPrefix("c.yml:\(line): \(key):")
        }
    }
}

import Registry
import Testing

@testable import PullThrough

@Suite("repository patterns and policy as pure decisions")
struct RepositoryPolicyTests {
    private func name(_ text: String) throws -> RepositoryName { try RepositoryName(text) }

    private func matches(_ pattern: String, _ repository: String, tag: String? = nil) throws -> Bool {
        try RepositoryPattern(pattern).matches(name(repository), tag: tag)
    }

    @Test("only a policy without allow and deny lists admits everything unasked")
    func admitsEverything() throws {
        #expect(RepositoryPolicy().admitsEverything)
        #expect(RepositoryPolicy(pinned: [try RepositoryPattern("**:stable")]).admitsEverything, "pinning refuses nothing")
        #expect(!RepositoryPolicy(allow: [try RepositoryPattern("library/*")]).admitsEverything)
        #expect(!RepositoryPolicy(deny: [try RepositoryPattern("**:latest")]).admitsEverything)
    }

    @Test("* is one component, ** one or more, an exact name only itself")
    func componentGlobs() throws {
        #expect(try matches("library/*", "library/nginx"))
        #expect(try !matches("library/*", "library/nginx/extra"), "* never crosses a slash")
        #expect(try !matches("library/*", "library"))
        #expect(try matches("myorg/**", "myorg/app"))
        #expect(try matches("myorg/**", "myorg/team/app/sub"))
        #expect(try !matches("myorg/**", "myorg"), "** stands for at least one component")
        #expect(try !matches("myorg/**", "otherorg/app"))
        #expect(try matches("**", "a/b/c"))
        #expect(try matches("a/**/z", "a/b/c/z"))
        #expect(try !matches("a/**/z", "a/z"))
        #expect(try matches("myorg/app-*", "myorg/app-web"))
        #expect(try matches("myorg/*-web", "myorg/app-web"))
        #expect(try !matches("myorg/app-*", "myorg/api"))
        #expect(try matches("*/base", "team/base"))
        #expect(try matches("library/alpine", "library/alpine"))
        #expect(try !matches("library/alpine", "library/alpine2"))
        #expect(try !matches("library/alpine", "library"))
    }

    @Test("a pattern with a tag matches only requests for a matching tag")
    func tagGlobs() throws {
        #expect(try matches("myorg/base:v1*", "myorg/base", tag: "v1.2.3"))
        #expect(try !matches("myorg/base:v1*", "myorg/base", tag: "v2.0"))
        #expect(try !matches("myorg/base:v1*", "myorg/base"), "no tag (a digest, a blob) never matches a tag pattern")
        #expect(try matches("**:latest", "library/nginx", tag: "latest"))
        #expect(try !matches("**:latest", "library/nginx", tag: "latest-alpine"))
        #expect(try matches("**:*-rc*", "a/b", tag: "1.0-rc2"))
        #expect(try matches("library/*", "library/nginx", tag: "anything"), "a pattern without a tag matches every tag")
    }

    @Test(
        "malformed patterns are refused with the reason",
        arguments: [
            ("", "names no repository"),
            ("Library/nginx", "lower-case"),
            ("library//nginx", "empty path component"),
            ("/library", "empty path component"),
            ("library/", "empty path component"),
            ("lib**/x", "** inside a component"),
            ("***", "** inside a component"),
            ("a:b:c", "more than one ':'"),
            ("a:", "empty tag"),
            ("a:b/c", "tag that is neither"),
            ("a@sha256:x", "lower-case letters"),
            (":latest", "names no repository"),
        ]
    )
    func malformed(pattern: String, reason: String) {
        #expect {
            _ = try RepositoryPattern(pattern)
        } throws: { error in
            (error as? RepositoryPatternError)?.message.contains(reason) == true
        }
    }

    @Test("deny wins over allow, and names the rule that refused")
    func denyWins() throws {
        let policy = RepositoryPolicy(
            allow: [try RepositoryPattern("library/*"), try RepositoryPattern("myorg/**")],
            deny: [try RepositoryPattern("library/ubuntu"), try RepositoryPattern("**:latest")],
            key: "proxy.repositories"
        )
        #expect(policy.decide(try name("library/nginx"), tag: "1.27") == .allowed)
        #expect(policy.decide(try name("myorg/team/app")) == .allowed)
        #expect(policy.decide(try name("library/ubuntu"), tag: "24.04") == .refused(rule: #"proxy.repositories.deny "library/ubuntu""#, reason: "deny"))
        #expect(policy.decide(try name("library/nginx"), tag: "latest") == .refused(rule: #"proxy.repositories.deny "**:latest""#, reason: "deny_tag"))
        #expect(policy.decide(try name("library/nginx")) == .allowed, "a tag rule leaves the repository's blobs and digests alone")
        #expect(policy.decide(try name("evil/miner"), tag: "1") == .refused(rule: "proxy.repositories.allow (no pattern matches)", reason: "not_allowed"))
    }

    @Test("an empty policy admits everything and pins nothing")
    func openPolicy() throws {
        let policy = RepositoryPolicy()
        #expect(policy.decide(try name("any/thing"), tag: "latest") == .allowed)
        #expect(!policy.isPinned(try name("any/thing"), tag: "latest"))
    }

    @Test("pinned tags are the ones a pinned pattern matches")
    func pinned() throws {
        let policy = RepositoryPolicy(pinned: [try RepositoryPattern("myorg/base:v1*")])
        #expect(policy.isPinned(try name("myorg/base"), tag: "v1.4"))
        #expect(!policy.isPinned(try name("myorg/base"), tag: "v2"))
        #expect(!policy.isPinned(try name("myorg/other"), tag: "v1.4"))
    }
}

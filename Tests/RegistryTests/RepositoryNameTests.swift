import Registry
import Testing

@Suite("Repository names")
struct RepositoryNameTests {
    @Test(
        "names of the spec's grammar are accepted",
        arguments: ["alpine", "library/alpine", "a/b/c/d", "my-org/my__app", "a.b_c--d/e", "0/1", "x---y"]
    )
    func acceptsValid(_ name: String) throws {
        #expect(try RepositoryName(name).value == name)
    }

    @Test(
        "names outside the grammar are NAME_INVALID",
        arguments: [
            "", "../x", "a/../b", "./a", "Alpine", "a//b", "/a", "a/", "a_", "_a", "a___b", "a..b", "a.-b", "a b",
            "a%2fb", "a\\b", String(repeating: "a", count: 256), String(repeating: "ab/", count: 100) + "c",
        ]
    )
    func rejectsInvalid(_ name: String) {
        #expect {
            try RepositoryName(name)
        } throws: { error in
            (error as? RegistryError)?.code == .nameInvalid
        }
    }

    @Test("exactly 255 characters is the limit")
    func lengthLimit() throws {
        #expect(try RepositoryName(String(repeating: "a", count: 255)).value.count == 255)
    }

    @Test("Docker Hub normalization adds library/ to one-component names only")
    func dockerHubNormalization() throws {
        #expect(try RepositoryName("alpine").dockerHubNormalized.value == "library/alpine")
        #expect(try RepositoryName("bitnami/redis").dockerHubNormalized.value == "bitnami/redis")
    }
}

@Suite("References and tags")
struct ReferenceTests {
    @Test("a reference with a colon is a digest, else a tag")
    func distinguishes() throws {
        #expect(try Reference(parsing: "3.20") == .tag(try Tag("3.20")))
        let digest = "sha256:" + String(repeating: "0", count: 64)
        #expect(try Reference(parsing: digest) == .digest(try Digest(parsing: digest)))
    }

    @Test("tags follow [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}", arguments: ["latest", "V1.2-rc_3", "_x", String(repeating: "t", count: 128)])
    func validTags(_ tag: String) throws {
        #expect(try Tag(tag).value == tag)
    }

    @Test("bad tags are TAG_INVALID", arguments: ["", ".hidden", "-x", "a/b", "a b", String(repeating: "t", count: 129), "ä"])
    func invalidTags(_ tag: String) {
        #expect {
            try Tag(tag)
        } throws: { error in
            (error as? RegistryError)?.code == .tagInvalid
        }
    }
}

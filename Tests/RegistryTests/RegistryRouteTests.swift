import Registry
import Testing

@Suite("API paths")
struct RegistryRouteTests {
    let digest = "sha256:" + String(repeating: "1", count: 64)

    @Test("the version check")
    func base() throws {
        #expect(try RegistryRoute(path: "/v2/") == .base)
        #expect(try RegistryRoute(path: "/v2") == .base)
    }

    @Test("manifests, blobs and tags with multi-component names")
    func routes() throws {
        #expect(try RegistryRoute(path: "/v2/library/alpine/manifests/3.20") == .manifest(try RepositoryName("library/alpine"), .tag(try Tag("3.20"))))
        #expect(try RegistryRoute(path: "/v2/a/b/c/blobs/\(digest)") == .blob(try RepositoryName("a/b/c"), try Digest(parsing: digest)))
        #expect(try RegistryRoute(path: "/v2/x/tags/list") == .tagsList(try RepositoryName("x")))
        // A repository may itself be called "manifests" or "blobs".
        #expect(try RegistryRoute(path: "/v2/blobs/manifests/latest") == .manifest(try RepositoryName("blobs"), .tag(try Tag("latest"))))
    }

    @Test("uploads are recognised so they can be refused")
    func uploads() throws {
        #expect(try RegistryRoute(path: "/v2/x/blobs/uploads/") == .upload(try RepositoryName("x")))
        #expect(try RegistryRoute(path: "/v2/x/y/blobs/uploads/1234-abcd") == .upload(try RepositoryName("x/y")))
    }

    @Test("paths outside the API are nil", arguments: ["/", "/v1/x", "/v2x", "/v2/x", "/v2/x/unknown/y", "/metrics"])
    func outside(_ path: String) throws {
        #expect(try RegistryRoute(path: path) == nil)
    }

    @Test("a traversal attempt is NAME_INVALID before anything touches the disk")
    func traversal() {
        #expect {
            try RegistryRoute(path: "/v2/../../etc/manifests/latest")
        } throws: { error in
            (error as? RegistryError)?.code == .nameInvalid
        }
    }

    @Test("a bad digest in a blob path is DIGEST_INVALID")
    func badDigest() {
        #expect {
            try RegistryRoute(path: "/v2/x/blobs/sha256:1234")
        } throws: { error in
            (error as? RegistryError)?.code == .digestInvalid
        }
    }
}

@Suite("API paths: edge cases")
struct RegistryRouteEdgeTests {
    @Test("a repository whose name contains blobs/uploads components still routes manifests")
    func namesWithKeywords() throws {
        #expect(try RegistryRoute(path: "/v2/x/blobs/uploads/manifests/latest") == .manifest(try RepositoryName("x/blobs/uploads"), .tag(try Tag("latest"))))
    }
}

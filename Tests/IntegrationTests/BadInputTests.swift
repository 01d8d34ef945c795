import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("bad input gets a clear OCI error and never reaches the store", .serialized)
struct BadInputTests {
    static let zeros = String(repeating: "0", count: 64)

    @Test("malformed names, tags and digests, unknown routes and writes")
    func errors() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 20)
        try await PullFixture.with("badinput", images: [("library/test", "latest", image)]) { fixture in
            let base = fixture.wharf.url
            let cases: [(HTTPMethod, String, Int, String)] = [
                (.GET, "/v2/../x/manifests/latest", 400, "NAME_INVALID"),
                (.GET, "/v2/%2e%2e/x/manifests/latest", 400, "NAME_INVALID"),
                (.GET, "/v2/Library/Test/manifests/latest", 400, "NAME_INVALID"),
                (.GET, "/v2/\(String(repeating: "a", count: 300))/manifests/latest", 400, "NAME_INVALID"),
                (.GET, "/v2/library/test/manifests/bad!tag", 400, "TAG_INVALID"),
                (.GET, "/v2/library/test/blobs/sha256:1234", 400, "DIGEST_INVALID"),
                (.GET, "/v2/library/test/blobs/md5:\(Self.zeros)", 400, "DIGEST_INVALID"),
                (.GET, "/v2/library/test/manifests/sha256:\(Self.zeros)", 404, "MANIFEST_UNKNOWN"),
                (.GET, "/v2/library/test/blobs/sha256:\(Self.zeros)", 404, "BLOB_UNKNOWN"),
                (.GET, "/v2/library/test/manifests/nosuchtag", 404, "MANIFEST_UNKNOWN"),
                (.GET, "/v2/library/test/nothing/here", 404, "NOT_FOUND"),
                (.GET, "/admin", 404, "NOT_FOUND"),
                (.POST, "/v2/library/test/blobs/uploads/", 405, "UNSUPPORTED"),
                (.PUT, "/v2/library/test/manifests/latest", 405, "UNSUPPORTED"),
                (.PATCH, "/v2/library/test/blobs/uploads/abc", 405, "UNSUPPORTED"),
                (.DELETE, "/v2/library/test/manifests/\(image.manifestDigest)", 405, "UNSUPPORTED"),
            ]
            for (method, path, status, code) in cases {
                let answer = try await HTTPProbe.send(method, base + path, body: method == .PUT ? Array("{}".utf8) : nil)
                #expect(answer.status == status, "\(method) \(path.prefix(80))")
                #expect(answer.errorCode == code, "\(method) \(path.prefix(80)): \(answer.body)")
                #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
            }
            // Nothing outside the store was created, and nothing was stored for the bad requests.
            #expect(!FileManager.default.fileExists(atPath: fixture.wharf.storagePath + "/../x"))
            #expect(try fixture.storedBlobs().isEmpty)
        }
    }

    @Test("a 10 MB header is refused and the server keeps serving")
    func hugeHeader() async throws {
        try await PullFixture.with("header") { fixture in
            let huge = String(repeating: "x", count: 10 * 1024 * 1024)
            let refused: Int? = try? await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/", headers: [("X-Huge", huge)]).status
            // Either a 4xx answer or the connection closed: never a crash, never a 2xx.
            if let refused { #expect((400..<500).contains(refused)) }
            let after = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/")
            #expect(after.status == 200)
            #expect(after.headers.first(name: "Docker-Distribution-API-Version") == "registry/2.0")
            #expect(fixture.wharf.isRunning)
        }
    }

    @Test("manifest answers carry digest, length, ETag, and 304 on If-None-Match; blobs honour Range")
    func headersAndRanges() async throws {
        let image = try ImageFactory.image(layerSizes: [50_000], seed: 21)
        try await PullFixture.with("headers", images: [("library/test", "latest", image)]) { fixture in
            let manifestURL = fixture.wharf.url + "/v2/library/test/manifests/latest"
            let manifest = try await HTTPProbe.send(.GET, manifestURL, headers: [("Accept", image.mediaType)])
            #expect(manifest.status == 200)
            #expect(manifest.headers.first(name: "Docker-Content-Digest") == image.manifestDigest)
            #expect(manifest.headers.first(name: "Content-Type") == image.mediaType)
            #expect(manifest.headers.first(name: "Content-Length") == String(image.manifest.count))
            #expect(manifest.body == String(decoding: image.manifest, as: UTF8.self))
            let etag = try #require(manifest.headers.first(name: "ETag"))
            let notModified = try await HTTPProbe.send(.GET, manifestURL, headers: [("If-None-Match", etag)])
            #expect(notModified.status == 304)
            let head = try await HTTPProbe.send(.HEAD, manifestURL)
            #expect(head.status == 200)
            #expect(head.headers.first(name: "Docker-Content-Digest") == image.manifestDigest)
            #expect(head.body.isEmpty)

            let layer = image.layers[0]
            let blobURL = fixture.wharf.url + "/v2/library/test/blobs/\(layer.digest)"
            let whole = try await HTTPProbe.send(.GET, blobURL)
            #expect(whole.status == 200)
            #expect(whole.bytes == layer.bytes)
            let range = try await HTTPProbe.send(.GET, blobURL, headers: [("Range", "bytes=100-199")])
            #expect(range.status == 206)
            #expect(range.headers.first(name: "Content-Range") == "bytes 100-199/\(layer.size)")
            #expect(range.headers.first(name: "Content-Length") == "100")
            #expect(range.bytes == Array(layer.bytes[100..<200]))
            let outside = try await HTTPProbe.send(.GET, blobURL, headers: [("Range", "bytes=\(layer.size)-")])
            #expect(outside.status == 416)
            #expect(outside.headers.first(name: "Content-Range") == "bytes */\(layer.size)")
            let blobHead = try await HTTPProbe.send(.HEAD, blobURL)
            #expect(blobHead.headers.first(name: "Content-Length") == String(layer.size))
        }
    }

    @Test("tags/list comes from the upstream with n and last passed through; from the cache when the upstream is down")
    func tagList() async throws {
        let image = try ImageFactory.image(layerSizes: [1000], seed: 22)
        try await PullFixture.with("tags", images: [("library/test", "a", image), ("library/test", "b", image), ("library/test", "c", image)]) { fixture in
            let page = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/library/test/tags/list?n=1&last=a")
            let direct = try await HTTPProbe.send(.GET, fixture.upstream.url + "/v2/library/test/tags/list?n=1&last=a")
            #expect(page.status == 200)
            #expect(page.body == direct.body, "Wharf passes the upstream's answer through unchanged")
            // distribution 2.8 ignores n and last, so the proof of pass-through is its access log.
            #expect(fixture.upstream.requestCount(method: "GET", pathContains: "tags/list?n=1&last=a") >= 1)

            for tag in ["a", "c"] {
                let pulled = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/library/test/manifests/\(tag)")
                #expect(pulled.status == 200)
            }
            await fixture.upstream.stop()
            let cached = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/library/test/tags/list")
            #expect(cached.status == 200)
            #expect(cached.body == #"{"name":"library/test","tags":["a","c"]}"#)
            let cachedPage = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/library/test/tags/list?n=1&last=a")
            #expect(cachedPage.body == #"{"name":"library/test","tags":["c"]}"#)
            let unknown = try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/library/never/tags/list")
            #expect(unknown.status == 503)
        }
    }
}

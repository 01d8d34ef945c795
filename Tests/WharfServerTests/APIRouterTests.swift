import AsyncHTTPClient
import Foundation
import HtpasswdAuth
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import NIOFileSystem
import PullThrough
import Storage
import Testing
import Upstream
import WharfTesting

@testable import WharfServer

@Suite("the main listener's router, middleware and responders, over a live socket")
struct APIRouterTests {
    /// Runs the main listener's responder chain in a live Hummingbird application in front of a
    /// ``LyingUpstream`` serving `image` as `library/app:latest`.
    private func withServer(
        image: TestImage,
        htpasswd: (user: String, password: String)? = nil,
        _ test: @Sendable (any TestClientProtocol, LyingUpstream) async throws -> Void
    ) async throws {
        let folder = try TemporaryFolder(prefix: "router")
        let upstream = try await LyingUpstream.start(mode: .correct)
        upstream.serve(image, repository: "library/app", tag: "latest")
        let logger = Logger(label: "router-test")
        let store = FilesystemStore(root: FilePath(folder.file("store")))
        try await store.prepare()
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: UpstreamClient.makeHTTPClientConfiguration())
        let downloads = DownloadService()
        let cache = PullThroughCache(store: store, downloads: downloads, logger: logger)
        let client = UpstreamClient(configuration: try UpstreamConfiguration(remoteURL: upstream.url), http: http, logger: logger)
        var authenticator: HtpasswdAuthenticator?
        if let htpasswd {
            let path = folder.file("htpasswd")
            try await HtpasswdEditor.add(file: path, user: htpasswd.user, password: htpasswd.password, cost: 4)
            authenticator = try await HtpasswdAuthenticator(path: path, realm: "test", logger: logger)
        }
        let router = APIRouter.make(
            registry: RegistryResponder(
                upstreams: UpstreamTable(defaultUpstream: UpstreamTarget(client: client), others: []),
                manifests: ManifestResponder(cache: cache),
                blobs: BlobResponder(cache: cache, sendsFiles: false),
                tags: TagListResponder(cache: cache)
            ),
            authentication: authenticator.map { AuthenticationMiddleware(authenticator: $0) },
            operations: nil,
            accounting: RequestAccountingMiddleware(metrics: RequestMetrics(), activity: ServerActivity(), logger: logger)
        )
        var app = Application(responder: router.buildResponder(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        app.addServices(downloads)
        do {
            try await app.test(.live) { client in try await test(client, upstream) }
        } catch {
            try? await http.shutdown()
            await upstream.stop()
            throw error
        }
        try await http.shutdown()
        await upstream.stop()
    }

    private func errorCode(_ response: TestResponse) throws -> String? {
        let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
        return ((object?["errors"] as? [[String: Any]])?.first?["code"]) as? String
    }

    @Test("writes answer 405 UNSUPPORTED with Allow; unknown paths 404 NOT_FOUND; both as OCI JSON")
    func refusals() async throws {
        try await withServer(image: try ImageFactory.image(layerSizes: [100], seed: 1)) { client, upstream in
            let put = try await client.execute(uri: "/v2/library/app/manifests/latest", method: .put, headers: [:], body: nil)
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "GET, HEAD")
            #expect(try errorCode(put) == "UNSUPPORTED")
            let unknown = try await client.execute(uri: "/nothing/here", method: .get, headers: [:], body: nil)
            #expect(unknown.status == .notFound)
            #expect(try errorCode(unknown) == "NOT_FOUND")
            let badName = try await client.execute(uri: "/v2/Bad..Name/manifests/latest", method: .get, headers: [:], body: nil)
            #expect(badName.status == .badRequest)
            #expect(try errorCode(badName) == "NAME_INVALID")
            #expect(upstream.requests().isEmpty, "nothing refused reached the upstream")
        }
    }

    @Test("a HEAD that fails gets the error's status and length but no body")
    func headError() async throws {
        try await withServer(image: try ImageFactory.image(layerSizes: [100], seed: 2)) { client, _ in
            let head = try await client.execute(uri: "/v2/library/app/manifests/missing", method: .head, headers: [:], body: nil)
            #expect(head.status == .notFound)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentLength].flatMap(Int.init) ?? 0 > 0)
        }
    }

    @Test("a blob is a miss then a hit, byte for byte, and a Range answers 206 with Content-Range")
    func blobs() async throws {
        let image = try ImageFactory.image(layerSizes: [200_000], seed: 3)
        let layer = image.layers[0]
        try await withServer(image: image) { client, upstream in
            let uri = "/v2/library/app/blobs/\(layer.digest)"
            let miss = try await client.execute(uri: uri, method: .get, headers: [:], body: nil)
            #expect(miss.status == .ok)
            #expect(miss.headers[HTTPField.Name("X-Wharf-Cache")!] == "miss")
            #expect(Array(miss.body.readableBytesView) == layer.bytes)
            let hit = try await client.execute(uri: uri, method: .get, headers: [.range: "bytes=10-19"], body: nil)
            #expect(hit.status == .partialContent)
            #expect(hit.headers[HTTPField.Name("X-Wharf-Cache")!] == "hit")
            #expect(hit.headers[.contentRange] == "bytes 10-19/\(layer.size)")
            #expect(Array(hit.body.readableBytesView) == Array(layer.bytes[10..<20]))
            #expect(upstream.requestCount(method: "GET", pathContains: layer.digest) == 1)
        }
    }

    @Test("with htpasswd: the API needs credentials, health does not, unknown paths stay 404")
    func authentication() async throws {
        try await withServer(image: try ImageFactory.image(layerSizes: [100], seed: 4), htpasswd: ("alice", "s3cret")) { client, _ in
            let anonymous = try await client.execute(uri: "/v2/", method: .get, headers: [:], body: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
            #expect(try errorCode(anonymous) == "UNAUTHORIZED")
            let basic = "Basic " + Data("alice:s3cret".utf8).base64EncodedString()
            let signedIn = try await client.execute(uri: "/v2/", method: .get, headers: [.authorization: basic], body: nil)
            #expect(signedIn.status == .ok)
            let wrong = "Basic " + Data("alice:wrong".utf8).base64EncodedString()
            #expect(try await client.execute(uri: "/v2/", method: .get, headers: [.authorization: wrong], body: nil).status == .unauthorized)
            #expect(try await client.execute(uri: "/elsewhere", method: .get, headers: [:], body: nil).status == .notFound)
        }
    }

    @Test("a HEAD of an uncached blob asks the upstream with a HEAD and downloads nothing")
    func headOfUncachedBlob() async throws {
        let image = try ImageFactory.image(layerSizes: [300_000], seed: 5)
        let layer = image.layers[0]
        try await withServer(image: image) { client, upstream in
            let head = try await client.execute(uri: "/v2/library/app/blobs/\(layer.digest)", method: .head, headers: [:], body: nil)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(layer.size))
            #expect(head.headers[HTTPField.Name("X-Wharf-Cache")!] == "miss")
            #expect(head.body.readableBytes == 0)
            #expect(upstream.requestCount(method: "HEAD", pathContains: layer.digest) == 1)
            #expect(upstream.requestCount(method: "GET", pathContains: layer.digest) == 0)
            let missing = try await client.execute(uri: "/v2/library/app/blobs/sha256:\(String(repeating: "0", count: 64))", method: .head, headers: [:], body: nil)
            #expect(missing.status == .notFound)
        }
    }
}

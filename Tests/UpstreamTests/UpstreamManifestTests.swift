import Registry
import Testing
import Upstream
import WharfTesting

@Suite("manifests from the upstream")
struct UpstreamManifestTests {
    static let document = #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}"#
    static let digest = TestBlob.digest(of: Array(document.utf8))
    static let mediaType = "application/vnd.oci.image.manifest.v1+json"

    private static func registry(contentLength: Int? = nil) async throws -> RecordingServer {
        try await RecordingServer.start { request in
            guard request.path == "/v2/library/test/manifests/latest" else { return StubHTTPServer.Response(status: 404) }
            var response = StubHTTPServer.Response(
                status: 200,
                headers: [("Content-Type", Self.mediaType), ("Docker-Content-Digest", Self.digest)],
                body: Self.document
            )
            // The stub announces the body's length; a larger one is announced with a larger body.
            if let contentLength { response.body = Array(repeating: UInt8(ascii: " "), count: contentLength) }
            return response
        }
    }

    @Test("a HEAD returns the digest, size and type from the headers, and no body")
    func head() async throws {
        let upstream = try await Self.registry()
        let manifest = try await withUpstreamClient(upstream.url) { client in
            try await client.manifest(try RepositoryName("library/test"), try Reference(parsing: "latest"), accept: Self.mediaType, headOnly: true)
        }
        #expect(manifest.bytes.isEmpty)
        #expect(manifest.digest?.description == Self.digest)
        #expect(manifest.contentLength == Int64(Self.document.utf8.count))
        #expect(manifest.contentType == Self.mediaType)
        #expect(upstream.requests.map(\.method) == ["HEAD"])
        #expect(upstream.requests.first?.header("Accept") == Self.mediaType)
        #expect(upstream.requests.first?.header("User-Agent") == "wharf")
        await upstream.stop()
    }

    @Test("a GET returns the exact bytes")
    func get() async throws {
        let upstream = try await Self.registry()
        let manifest = try await withUpstreamClient(upstream.url) { client in
            try await client.manifest(try RepositoryName("library/test"), try Reference(parsing: "latest"), accept: Self.mediaType, headOnly: false)
        }
        #expect(String(decoding: manifest.bytes, as: UTF8.self) == Self.document)
        #expect(manifest.digest?.description == Self.digest)
        #expect(upstream.requests.map(\.method) == ["GET"])
        await upstream.stop()
    }

    @Test("a manifest announced larger than 4 MiB is refused before its body is read")
    func tooLarge() async throws {
        let upstream = try await Self.registry(contentLength: 4 * 1024 * 1024 + 1)
        let name = try RepositoryName("library/test")
        let reference = try Reference(parsing: "latest")
        let error = try await upstreamFailure(at: upstream.url) { client async throws(UpstreamError) in
            try await client.manifest(name, reference, accept: Self.mediaType, headOnly: true)
        }
        #expect(error?.kind == .badResponse)
        #expect(error?.message.hasSuffix("is 4194305 bytes; the limit is 4194304") == true, "\(String(describing: error))")
        await upstream.stop()
    }
}

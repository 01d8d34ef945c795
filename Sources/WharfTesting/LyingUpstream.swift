/// A fake registry on 127.0.0.1 that serves manifests honestly but, depending on its
/// ``LyingUpstreamMode``, sends blob bytes that do not match the requested digest, cuts them
/// short, or stalls. For testing that a cache verifies digests and survives bad upstreams.
///
/// It answers `GET /v2/` with 200 and `Docker-Distribution-API-Version: registry/2.0`, needs no auth,
/// and records every request.
public final class LyingUpstream: Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int

    private let server: LocalHTTPServer
    private let content: LyingRegistryContent

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// `127.0.0.1:PORT`.
    public var hostAndPort: String { "127.0.0.1:\(port)" }

    /// How blob GETs are answered from now on.
    public var mode: LyingUpstreamMode {
        get { content.mode }
        set { content.mode = newValue }
    }

    /// Starts serving on a kernel-picked port.
    public static func start(mode: LyingUpstreamMode) async throws -> LyingUpstream {
        let content = LyingRegistryContent(mode: mode)
        let responder = LyingRegistryResponder(content: content)
        let server = try await LocalHTTPServer.start { request, writer in
            responder.respond(to: request, with: writer)
        }
        return LyingUpstream(server: server, content: content)
    }

    private init(server: LocalHTTPServer, content: LyingRegistryContent) {
        self.server = server
        self.content = content
        self.port = server.port
    }

    /// Serves `manifests` (keyed by tag or digest, each with its media type) in `repository`, and `blobs`
    /// (keyed by digest) in every repository.
    public func serve(
        repository: String,
        manifests: [String: (mediaType: String, bytes: [UInt8])],
        blobs: [String: [UInt8]]
    ) {
        for (reference, manifest) in manifests {
            content.addManifest(.init(mediaType: manifest.mediaType, bytes: manifest.bytes), repository: repository, reference: reference)
        }
        for (digest, bytes) in blobs {
            content.addBlob(bytes, digest: digest)
        }
    }

    /// Serves the image's manifest under `tag` and its digest, and its config and layers.
    public func serve(_ image: TestImage, repository: String, tag: String) {
        let manifest = (mediaType: image.mediaType, bytes: image.manifest)
        serve(
            repository: repository,
            manifests: [tag: manifest, image.manifestDigest: manifest],
            blobs: Dictionary(image.blobs.map { ($0.digest, $0.bytes) }) { first, _ in first }
        )
    }

    /// Serves the index under `tag` and its digest, and every image it lists by digest.
    public func serve(_ index: TestIndex, repository: String, tag: String) {
        for image in index.images {
            serve(image, repository: repository, tag: image.manifestDigest)
        }
        let manifest = (mediaType: index.mediaType, bytes: index.manifest)
        serve(repository: repository, manifests: [tag: manifest, index.digest: manifest], blobs: [:])
    }

    /// Every request so far as `"METHOD /path"`, oldest first.
    public func requests() -> [String] {
        content.requests().map { "\($0.method) \($0.path)" }
    }

    /// How many requests with `method` whose path contains `pathContains` it received.
    public func requestCount(method: String, pathContains: String) -> Int {
        content.requests().count { $0.method == method && $0.path.contains(pathContains) }
    }

    /// How many blob GETs it received (for any digest).
    public var blobRequestCount: Int {
        requestCount(method: "GET", pathContains: "/blobs/")
    }

    /// Stops listening and closes open connections, including stalled ones.
    public func stop() async {
        await server.stop()
    }
}

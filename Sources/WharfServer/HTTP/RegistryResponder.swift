import Hummingbird
import HTTPTypes
import NIOCore
import PullThrough
import Registry

/// Answers `/v2/...`: picks the upstream, parses the route, refuses what writes, and hands
/// the request to the responder for its kind.
struct RegistryResponder: HTTPResponder {
    typealias Context = WharfRequestContext

    let upstreams: UpstreamTable
    let manifests: ManifestResponder
    let blobs: BlobResponder
    let tags: TagListResponder

    func respond(to request: Request, context: Context) async throws -> Response {
        let upstream: UpstreamTarget
        let path: String
        switch upstreams.select(namespace: request.uri.queryParameters["ns"].map(String.init), path: request.uri.path) {
        case .upstream(let selected, let rest):
            upstream = selected
            path = rest
        case .unknownNamespace(let namespace):
            throw RegistryError(.nameUnknown, "no upstream is configured for registry \(namespace.prefix(100))")
        }
        guard let route = try RegistryRoute(path: path) else {
            throw RegistryError(.notFound, "no such endpoint: \(path.prefix(100))")
        }
        let isHead = request.method == .head
        guard request.method == .get || isHead else {
            throw RegistryError(.unsupported, "Wharf is a read-only mirror; \(request.method.rawValue) is not supported")
        }
        switch route {
        case .base:
            return Response(status: .ok, headers: RegistryHeaders.json, body: isHead ? .init() : .init(byteBuffer: ByteBuffer(string: "{}")))
        case .manifest(let name, let reference):
            return try await manifests.respond(name, reference, request: request, upstream: upstream)
        case .blob(let name, let digest):
            return try await blobs.respond(name, digest, request: request, context: context, upstream: upstream)
        case .tagsList(let name):
            return try await tags.respond(name, request: request, upstream: upstream)
        case .upload:
            throw RegistryError(.unsupported, "Wharf is a read-only mirror; pushing is not supported")
        case .catalog:
            throw RegistryError(.unsupported, "the catalog is not offered by a mirror")
        }
    }
}

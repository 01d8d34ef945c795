import Foundation
import NIOCore
import NIOHTTP1

/// Routes registry API requests for a ``LyingUpstream``; manifests are served honestly,
/// blob GETs according to the current ``LyingUpstreamMode``.
struct LyingRegistryResponder: Sendable {
    let content: LyingRegistryContent

    func respond(to request: ReceivedHTTPRequest, with writer: HTTPResponseWriter) {
        let path = request.path
        content.record(method: request.head.method.rawValue, path: path)
        guard request.head.method == .GET || request.head.method == .HEAD else {
            writer.respond(.methodNotAllowed, headers: apiHeaders, body: error("UNSUPPORTED", "read-only test upstream"))
            return
        }
        if path == "/v2/" || path == "/v2" {
            writer.respond(.ok, headers: apiHeaders(contentType: "application/json"), body: Array("{}".utf8))
        } else if let (repository, reference) = split(path, at: "/manifests/") {
            serveManifest(repository: repository, reference: reference, writer: writer)
        } else if let (_, digest) = split(path, at: "/blobs/") {
            serveBlob(digest: digest, isHead: request.head.method == .HEAD, writer: writer)
        } else {
            writer.respond(.notFound, headers: apiHeaders, body: error("NAME_UNKNOWN", "no such route"))
        }
    }

    private func serveManifest(repository: String, reference: String, writer: HTTPResponseWriter) {
        guard let manifest = content.manifest(repository: repository, reference: reference) else {
            writer.respond(.notFound, headers: apiHeaders, body: error("MANIFEST_UNKNOWN", "manifest unknown"))
            return
        }
        var headers = apiHeaders(contentType: manifest.mediaType)
        headers.add(name: "Docker-Content-Digest", value: TestBlob.digest(of: manifest.bytes))
        writer.respond(.ok, headers: headers, body: manifest.bytes)
    }

    private func serveBlob(digest: String, isHead: Bool, writer: HTTPResponseWriter) {
        guard let bytes = content.blob(digest) else {
            writer.respond(.notFound, headers: apiHeaders, body: error("BLOB_UNKNOWN", "blob unknown to registry"))
            return
        }
        var headers = apiHeaders(contentType: "application/octet-stream")
        headers.add(name: "Docker-Content-Digest", value: digest)
        if isHead {
            if content.mode == .withoutLength {
                writer.writeHead(.ok, headers: headers)   // no length, as a chunked GET would have
                writer.end()
            } else {
                writer.respond(.ok, headers: headers, body: bytes)
            }
            return
        }
        switch content.mode {
        case .correct:
            writer.respond(.ok, headers: headers, body: bytes)
        case .wrongBytes:
            writer.respond(.ok, headers: headers, body: bytes.map { $0 ^ 0xFF })
        case .truncated:
            headers.add(name: "Content-Length", value: String(bytes.count))
            writer.writeHead(.ok, headers: headers)
            writer.writeBodyThenClose(bytes.prefix(bytes.count / 2))
        case .hang:
            headers.add(name: "Content-Length", value: String(bytes.count))
            writer.writeHead(.ok, headers: headers)
        case .stallAfter(let sent):
            headers.add(name: "Content-Length", value: String(bytes.count))
            writer.writeHead(.ok, headers: headers)
            writer.writeBody(bytes.prefix(sent))
        case .trickle(let perSecond):
            headers.add(name: "Content-Length", value: String(bytes.count))
            writer.writeHead(.ok, headers: headers)
            trickle(bytes[...], slice: max(1, perSecond / 10), to: NIOLoopBound(writer, eventLoop: writer.eventLoop))
        case .withoutLength:
            headers.add(name: "Transfer-Encoding", value: "chunked")
            writer.writeHead(.ok, headers: headers)
            var rest = bytes[...]
            while !rest.isEmpty {
                writer.writeBody(rest.prefix(64 * 1024))
                rest = rest.dropFirst(64 * 1024)
            }
            writer.end()
        case .noAnswer:
            break
        case .closeFirstThenCorrect:
            content.mode = .correct
            writer.close()
        case .redirectToImpossiblePort:
            headers.add(name: "Location", value: "http://127.0.0.1:99999/blobs/\(digest)")
            writer.respond(.found, headers: headers, body: [])
        }
    }

    /// Writes `slice` bytes of `rest` now and the next ones 100 ms later, until the end or
    /// until the client has gone.
    private func trickle(_ rest: ArraySlice<UInt8>, slice: Int, to bound: NIOLoopBound<HTTPResponseWriter>) {
        let writer = bound.value
        guard writer.isActive else { return }
        guard !rest.isEmpty else { return writer.end() }
        writer.writeBody(rest.prefix(slice))
        let remaining = rest.dropFirst(slice)
        writer.eventLoop.scheduleTask(in: .milliseconds(100)) { trickle(remaining, slice: slice, to: bound) }
    }

    /// `(name, rest)` for `/v2/<name><marker><rest>`.
    private func split(_ path: String, at marker: String) -> (String, String)? {
        guard path.hasPrefix("/v2/"), let range = path.range(of: marker, options: .backwards) else { return nil }
        let name = String(path[path.index(path.startIndex, offsetBy: 4)..<range.lowerBound])
        let rest = String(path[range.upperBound...])
        guard !name.isEmpty, !rest.isEmpty else { return nil }
        return (name, rest)
    }

    private var apiHeaders: HTTPHeaders {
        apiHeaders(contentType: "application/json")
    }

    private func apiHeaders(contentType: String) -> HTTPHeaders {
        ["Docker-Distribution-API-Version": "registry/2.0", "Content-Type": contentType]
    }

    private func error(_ code: String, _ message: String) -> [UInt8] {
        Array(#"{"errors":[{"code":"\#(code)","message":"\#(message)"}]}"#.utf8)
    }
}

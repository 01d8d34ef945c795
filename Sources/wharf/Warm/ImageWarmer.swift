import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Registry

/// Pulls images through a running Wharf so that they are in its cache before anyone asks:
/// the manifest (and, for an index, the chosen platforms' manifests), then every blob, each
/// read to its end and dropped.
struct ImageWarmer {
    /// The Wharf to pull through, e.g. `http://127.0.0.1:5000`.
    let server: String
    let http: HTTPClient
    /// `Basic ...` when the Wharf wants credentials.
    let authorization: String?
    let progress: WarmProgress

    /// What one image's warming fetched.
    struct Summary: Equatable {
        var manifests = 0
        var blobs = 0
        var bytes: Int64 = 0
        /// Blobs and manifests that were already in the cache.
        var alreadyCached = 0
    }

    /// Warms `reference`: with `allPlatforms` every manifest of an index, else those of `platform`.
    func warm(_ reference: ImageReference, platform: String, allPlatforms: Bool) async throws -> Summary {
        var summary = Summary()
        let top = try await manifest(reference, reference.reference, summary: &summary)
        var images: [[Digest]] = []
        switch try ManifestReferences(top) {
        case .image(let blobs):
            images.append(blobs)
        case .index(let children):
            let chosen = allPlatforms ? children : ManifestReferences.select(children, platform: platform)
            guard !chosen.isEmpty else {
                let offered = children.compactMap(\.platform).joined(separator: ", ")
                throw WarmError("\(reference) has no manifest for \(platform); it has \(offered.isEmpty ? "none with a platform" : offered)")
            }
            for child in chosen {
                progress.line("\(reference): \(child.platform ?? "no platform") \(child.digest)")
                guard case .image(let blobs) = try ManifestReferences(try await manifest(reference, .digest(child.digest), summary: &summary)) else {
                    throw WarmError("\(child.digest) in \(reference) is an index inside an index, which is not warmed")
                }
                images.append(blobs)
            }
        }
        var seen: Set<Digest> = []
        let blobs = images.joined().filter { seen.insert($0).inserted }
        for (index, digest) in blobs.enumerated() {
            try await blob(reference, digest, number: index + 1, of: blobs.count, summary: &summary)
        }
        return summary
    }

    private func manifest(_ image: ImageReference, _ reference: Reference, summary: inout Summary) async throws -> [UInt8] {
        let response = try await get(image.manifestPath(reference), accept: MediaType.defaultManifestAccept)
        let body = try await response.body.collect(upTo: 4 * 1024 * 1024)
        try check(response, body: body, what: "manifest \(reference) of \(image.repository)")
        summary.manifests += 1
        if response.headers.first(name: "X-Wharf-Cache") != "miss" { summary.alreadyCached += 1 }
        return Array(body.readableBytesView)
    }

    private func blob(_ image: ImageReference, _ digest: Digest, number: Int, of total: Int, summary: inout Summary) async throws {
        let response = try await get(image.blobPath(digest), accept: nil)
        if response.status != .ok {
            try check(response, body: try await response.body.collect(upTo: 1024 * 1024), what: "blob \(digest)")
        }
        let size = response.headers.first(name: "Content-Length").flatMap(Int64.init)
        let cache = response.headers.first(name: "X-Wharf-Cache") ?? "unknown"
        var received: Int64 = 0
        for try await chunk in response.body {
            received += Int64(chunk.readableBytes)
            progress.blob(number, of: total, digest: digest, received: received, size: size)
        }
        if let size, received != size { throw WarmError("blob \(digest) ended after \(received) of \(size) bytes") }
        progress.blobDone(number, of: total, digest: digest, bytes: received, cache: cache)
        summary.blobs += 1
        summary.bytes += received
        if cache != "miss" { summary.alreadyCached += 1 }
    }

    private func get(_ path: String, accept: String?) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: server + path)
        if let accept { request.headers.add(name: "Accept", value: accept) }
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.headers.add(name: "User-Agent", value: "wharf-warm")
        return try await http.execute(request, timeout: .hours(6))
    }

    /// Throws the server's OCI error for any answer but 200.
    private func check(_ response: HTTPClientResponse, body: ByteBuffer, what: String) throws {
        guard response.status != .ok else { return }
        struct Errors: Decodable {
            struct Entry: Decodable { var code: String; var message: String? }
            var errors: [Entry]
        }
        let detail = (try? JSONDecoder().decode(Errors.self, from: Data(body.readableBytesView)))?.errors.first
            .map { "\($0.code): \($0.message ?? "")" } ?? String(decoding: body.readableBytesView.prefix(300), as: UTF8.self)
        throw WarmError("\(what): \(response.status.code) \(detail)")
    }
}

/// Why warming an image failed.
struct WarmError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

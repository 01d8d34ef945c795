import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Pushes test images into a registry through the distribution HTTP API, as a client would:
/// a monolithic blob upload (`POST /v2/<name>/blobs/uploads/`, then `PUT <Location>&digest=...`)
/// for each blob the registry lacks, then `PUT /v2/<name>/manifests/<reference>`.
///
/// Call ``shutdown()`` when done; the seeder owns one `HTTPClient`.
public final class RegistrySeeder: Sendable {
    /// The registry's base URL, e.g. `http://127.0.0.1:5000`.
    public let baseURL: String
    /// The `Authorization` header value sent with every request, e.g. `Bearer <token>`.
    public let authorization: String?

    private let client: HTTPClient

    /// Creates a seeder for the registry at `baseURL`.
    public init(baseURL: String, authorization: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.authorization = authorization
        self.client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    /// Pushes the image's blobs, then its manifest under `tag` (a tag or a digest).
    public func push(_ image: TestImage, repository: String, tag: String) async throws {
        for blob in image.blobs {
            try await pushBlob(blob, repository: repository)
        }
        try await pushManifest(image.manifest, mediaType: image.mediaType, repository: repository, reference: tag)
    }

    /// Pushes every image of the index by digest, then the index under `tag`.
    public func push(_ index: TestIndex, repository: String, tag: String) async throws {
        for image in index.images {
            try await push(image, repository: repository, tag: image.manifestDigest)
        }
        try await pushManifest(index.manifest, mediaType: index.mediaType, repository: repository, reference: tag)
    }

    /// Uploads `blob` unless the registry already has it in `repository`.
    public func pushBlob(_ blob: TestBlob, repository: String) async throws {
        let blobURL = "\(baseURL)/v2/\(repository)/blobs/\(blob.digest)"
        let existing = try await send(.HEAD, blobURL)
        if existing.status == 200 {
            return
        }
        let start = try await send(.POST, "\(baseURL)/v2/\(repository)/blobs/uploads/", expecting: [202])
        guard let location = start.headers.first(name: "Location") else {
            throw RegistryRequestError(
                method: "POST",
                url: "\(baseURL)/v2/\(repository)/blobs/uploads/",
                status: start.status,
                body: "no Location header"
            )
        }
        let separator = location.contains("?") ? "&" : "?"
        let digest = blob.digest.replacingOccurrences(of: ":", with: "%3A")
        try await send(
            .PUT,
            resolve(location) + "\(separator)digest=\(digest)",
            body: blob.bytes,
            contentType: "application/octet-stream",
            expecting: [201]
        )
    }

    /// Puts `manifest` with Content-Type `mediaType` under `reference` and checks the digest the registry reports.
    public func pushManifest(_ manifest: [UInt8], mediaType: String, repository: String, reference: String) async throws {
        let url = "\(baseURL)/v2/\(repository)/manifests/\(reference)"
        let answer = try await send(.PUT, url, body: manifest, contentType: mediaType, expecting: [201])
        let expected = TestBlob.digest(of: manifest)
        if let reported = answer.headers.first(name: "Docker-Content-Digest"), reported != expected {
            throw RegistryRequestError(
                method: "PUT",
                url: url,
                status: answer.status,
                body: "registry reports digest \(reported), the manifest's is \(expected)"
            )
        }
    }

    /// Shuts the HTTP client down; the seeder cannot be used afterwards.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    private struct Answer {
        var status: Int
        var headers: HTTPHeaders
    }

    /// An absolute URL for a `Location` header, which may be relative to the registry.
    private func resolve(_ location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") {
            return location
        }
        return baseURL + (location.hasPrefix("/") ? "" : "/") + location
    }

    @discardableResult
    private func send(
        _ method: HTTPMethod,
        _ url: String,
        body: [UInt8]? = nil,
        contentType: String? = nil,
        expecting expected: Set<Int>? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let authorization {
            request.headers.add(name: "Authorization", value: authorization)
        }
        if let contentType {
            request.headers.add(name: "Content-Type", value: contentType)
        }
        if let body {
            request.body = .bytes(body)
        }
        let response = try await client.execute(request, timeout: .seconds(120))
        let responseBody = try await response.body.collect(upTo: 1 << 20)
        let status = Int(response.status.code)
        if let expected, !expected.contains(status) {
            throw RegistryRequestError(
                method: method.rawValue,
                url: url,
                status: status,
                body: String(buffer: responseBody)
            )
        }
        return Answer(status: status, headers: response.headers)
    }
}

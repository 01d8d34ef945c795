import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Upstream

/// A blob another instance of the fleet is downloading, read from that instance's own blob
/// route (at the origin its fetch lease names), which answers from the download as it grows.
enum PeerBlob {
    /// The size the instance announces for the blob (a HEAD of its blob route), or `nil` when
    /// it does not answer 200 with a length.
    static func size(_ url: String) async -> Int64? {
        var request = HTTPClientRequest(url: url)
        request.method = .HEAD
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)), response.status == .ok else { return nil }
        return response.headers.first(name: "Content-Length").flatMap { Int64($0) }
    }

    /// - Throws: ``UpstreamError`` (unavailable) when the instance does not answer 200.
    static func open(_ url: String) async throws(UpstreamError) -> UpstreamBlob {
        let response: HTTPClientResponse
        do {
            // As long as a download may take: the peer sends as the upstream does.
            response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .hours(6))
        } catch {
            throw UpstreamError(.unavailable, "the instance downloading the blob did not answer at \(url): \(error)")
        }
        guard response.status == .ok else {
            await UpstreamClient.discard(response)
            throw UpstreamError(.unavailable, "the instance downloading the blob answered \(response.status.code) at \(url)")
        }
        return UpstreamBlob(contentLength: response.headers.first(name: "Content-Length").flatMap { Int64($0) }, body: response.body)
    }
}

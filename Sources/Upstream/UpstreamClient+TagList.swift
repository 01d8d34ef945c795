import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Registry

extension UpstreamClient {
    /// Fetches a page of a repository's tag list; `query` is passed through (`n`, `last`).
    public func tagList(_ name: RepositoryName, query: String?) async throws(UpstreamError) -> UpstreamTagList {
        let remote = configuration.upstreamName(name)
        let suffix = query.map { "?" + $0 } ?? ""
        let response = try await perform(
            .GET,
            path: "\(remote)/tags/list\(suffix)",
            scope: remote,
            headers: [],
            timeout: Self.shortRequestTimeout
        )
        try await checkStatus(response, what: "tag list of \(name)")
        do {
            let body = try await response.body.collect(upTo: 16 * 1024 * 1024)
            return UpstreamTagList(bytes: Array(body.readableBytesView), link: response.headers.first(name: "Link"))
        } catch {
            throw Self.transportError(error, what: "tag list of \(name)")
        }
    }
}

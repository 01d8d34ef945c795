import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Registry
import Storage
import Upstream

extension PullThroughCache {
    // MARK: Tags list

    /// The tag list, from the upstream or, when it fails, from the tags the cache knows.
    public func tagList(_ name: RepositoryName, query: String?, limit: Int?, last: String?, from upstream: UpstreamTarget) async throws(RegistryError) -> (body: [UInt8], link: String?) {
        try admit(name, from: upstream)
        do {
            let list = try await upstream.client.tagList(name, query: query)
            return (list.bytes, list.link)
        } catch {
            guard error.kind != .notFound, error.kind != .unauthorized else {
                throw error.registryError(notFound: .nameUnknown)
            }
            let key = upstream.client.configuration.upstreamName(name)
            guard let known = try? await store.tags(in: key, upstream: upstream.key), !known.isEmpty else {
                throw error.registryError(notFound: .nameUnknown)
            }
            logger.warning("serving cached tag list while the upstream fails", metadata: ["repository": "\(name)", "error": "\(error)"])
            var tags = known
            if let last { tags = tags.filter { $0 > last } }
            if let limit { tags = Array(tags.prefix(limit)) }
            let quoted = tags.map { "\"\(JSONString.escape($0))\"" }.joined(separator: ",")
            return (Array(#"{"name":"\#(JSONString.escape(name.value))","tags":[\#(quoted)]}"#.utf8), nil)
        }
    }

}

import AsyncHTTPClient
import NIOHTTP1
import Foundation

extension S3Client {
    /// One page of the keys under `prefix` (relative to `rootdirectory`), ListObjectsV2.
    public func listObjects(prefix: String, continuationToken: String? = nil, maxKeys: Int = 1000) async throws(S3Error) -> S3ListPage {
        var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", fullKey(prefix)), ("max-keys", String(maxKeys))]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        let operation = "LIST \(prefix)"
        let root = try await document(try await send(.GET, key: nil, query: query, operation: operation), operation: operation)
        let objects = root.all("Contents").compactMap { entry -> S3ListedObject? in
            guard let key = entry.text("Key").flatMap(relativeKey) else { return nil }
            return S3ListedObject(key: key, size: entry.text("Size").flatMap { Int64($0) } ?? 0, lastModified: S3Dates.parse(entry.text("LastModified")))
        }
        let truncated = root.text("IsTruncated") == "true"
        return S3ListPage(objects: objects, continuationToken: truncated ? root.text("NextContinuationToken") : nil)
    }

    /// Every key under `prefix`, page after page.
    public func listAllObjects(prefix: String) async throws(S3Error) -> [S3ListedObject] {
        var all: [S3ListedObject] = []
        var token: String?
        repeat {
            let page = try await listObjects(prefix: prefix, continuationToken: token)
            all += page.objects
            token = page.continuationToken
        } while token != nil
        return all
    }
}

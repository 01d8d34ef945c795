import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension S3Client {
    /// Stores `bytes` under `key`.
    /// - Parameter ifAbsent: send `If-None-Match: *`, so the write fails with
    ///   ``S3Error/isPreconditionFailed`` when the key exists (exactly one racing writer wins).
    /// - Parameter ifMatch: send `If-Match`, so the write fails when the object changed since it had that ETag.
    public func putObject(_ key: String, bytes: [UInt8], contentType: String? = nil, ifAbsent: Bool = false, ifMatch: String? = nil) async throws(S3Error) {
        var headers: [(name: String, value: String)] = [("content-length", String(bytes.count))]
        if let contentType { headers.append(("content-type", contentType)) }
        if ifAbsent { headers.append(("if-none-match", "*")) }
        if let ifMatch { headers.append(("if-match", ifMatch)) }
        _ = try await send(.PUT, key: key, headers: headers, body: .signed(bytes), operation: "PUT \(key)")
    }

    /// Stores a buffer too large to hash twice (a blob) under `key`, as `UNSIGNED-PAYLOAD`.
    public func putObject(_ key: String, buffer: ByteBuffer, ifAbsent: Bool = false) async throws(S3Error) {
        var headers: [(name: String, value: String)] = [("content-length", String(buffer.readableBytes))]
        if ifAbsent { headers.append(("if-none-match", "*")) }
        _ = try await send(.PUT, key: key, headers: headers, body: .unsigned(buffer), operation: "PUT \(key)", timeout: .minutes(10))
    }

    /// The object's head, or `nil` when there is none.
    public func headObject(_ key: String) async throws(S3Error) -> S3ObjectInfo? {
        do {
            let response = try await send(.HEAD, key: key, operation: "HEAD \(key)")
            return Self.info(key, response)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// A whole small object, or `nil` when there is none.
    public func getObject(_ key: String, limit: Int) async throws(S3Error) -> (info: S3ObjectInfo, bytes: [UInt8])? {
        do {
            let response = try await send(.GET, key: key, operation: "GET \(key)")
            let bytes = try await collect(response, operation: "GET \(key)", limit: limit)
            return (Self.info(key, response), bytes)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// Opens an object for streaming, the bytes in `range` only when given (a `Range` GET);
    /// `nil` when there is none. Read the body to its end or drop it.
    public func streamObject(_ key: String, range: Range<Int64>? = nil) async throws(S3Error) -> S3ObjectStream? {
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        do {
            // The deadline covers the whole body: generous, as a slow client reads it.
            let response = try await send(.GET, key: key, headers: headers, operation: "GET \(key)", timeout: .hours(6))
            let length = response.headers.first(name: "content-length").flatMap { Int64($0) }
            var info = Self.info(key, response)
            if let total = response.headers.first(name: "content-range")?.split(separator: "/").last.flatMap({ Int64($0) }) {
                info = S3ObjectInfo(key: key, size: total, contentType: info.contentType, eTag: info.eTag, lastModified: info.lastModified)
            }
            return S3ObjectStream(info: info, contentLength: length, body: response.body)
        } catch where error.isNotFound {
            return nil
        }
    }

    /// Removes an object (S3 answers success whether or not it existed).
    public func deleteObject(_ key: String) async throws(S3Error) {
        _ = try await send(.DELETE, key: key, operation: "DELETE \(key)")
    }

    /// A URL anyone can GET `key` from for `expires` seconds.
    public func presignedURL(_ key: String, expires: Int, date: Date = Date()) -> String {
        let path = endpoint.path(forKey: fullKey(key))
        let query = signer.presignedQuery(method: "GET", host: endpoint.hostHeader, path: path, expires: expires, date: date)
        return endpoint.origin + path + "?" + query
    }

    static func info(_ key: String, _ response: HTTPClientResponse) -> S3ObjectInfo {
        S3ObjectInfo(
            key: key,
            size: response.headers.first(name: "content-length").flatMap { Int64($0) } ?? 0,
            contentType: response.headers.first(name: "content-type"),
            eTag: response.headers.first(name: "etag"),
            lastModified: S3Dates.parse(response.headers.first(name: "last-modified"))
        )
    }
}

extension S3Client {
    /// Creates the bucket (for set-up and tests; Wharf itself expects it to exist, as distribution does).
    public func createBucket() async throws(S3Error) {
        do {
            _ = try await send(.PUT, key: nil, headers: [("content-length", "0")], operation: "CREATE-BUCKET \(settings.bucket)")
        } catch where error.serviceCode == "BucketAlreadyOwnedByYou" || error.serviceCode == "BucketAlreadyExists" {
            return
        }
    }
}

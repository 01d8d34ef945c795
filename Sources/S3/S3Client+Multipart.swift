import AsyncHTTPClient
import NIOHTTP1
import Foundation
import NIOCore

extension S3Client {
    /// Starts a multipart upload that completes to `key`; nothing is visible under `key`
    /// until ``completeMultipartUpload(_:uploadID:parts:)``.
    public func createMultipartUpload(_ key: String, contentType: String? = nil) async throws(S3Error) -> String {
        let operation = "CREATE-MULTIPART \(key)"
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        let root = try await document(try await send(.POST, key: key, query: [("uploads", "")], headers: headers, operation: operation), operation: operation)
        guard let id = root.text("UploadId"), !id.isEmpty else {
            throw .malformed(operation: operation, status: 200, "no UploadId in the answer")
        }
        return id
    }

    /// Uploads part `number` (1-based) of an upload, streamed as `UNSIGNED-PAYLOAD`.
    public func uploadPart(_ key: String, uploadID: String, number: Int, buffer: ByteBuffer) async throws(S3Error) -> S3UploadedPart {
        let operation = "UPLOAD-PART \(number) \(key)"
        let response = try await send(
            .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)],
            headers: [("content-length", String(buffer.readableBytes))], body: .unsigned(buffer), operation: operation, timeout: .minutes(10)
        )
        guard let eTag = response.headers.first(name: "etag") else {
            throw .malformed(operation: operation, status: Int(response.status.code), "no ETag for the part")
        }
        return S3UploadedPart(number: number, eTag: eTag)
    }

    /// Makes the upload's parts, in order, the object under `key`.
    public func completeMultipartUpload(_ key: String, uploadID: String, parts: [S3UploadedPart]) async throws(S3Error) {
        let operation = "COMPLETE-MULTIPART \(key)"
        var xml = "<CompleteMultipartUpload>"
        for part in parts.sorted(by: { $0.number < $1.number }) {
            xml += "<Part><PartNumber>\(part.number)</PartNumber><ETag>\(S3XML.escape(part.eTag))</ETag></Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let response = try await send(.POST, key: key, query: [("uploadId", uploadID)], body: .signed(Array(xml.utf8)), operation: operation, timeout: .minutes(10))
        _ = try await document(response, operation: operation)
    }

    /// Discards an upload and its parts.
    public func abortMultipartUpload(_ key: String, uploadID: String) async throws(S3Error) {
        do {
            _ = try await send(.DELETE, key: key, query: [("uploadId", uploadID)], operation: "ABORT-MULTIPART \(key)")
        } catch where error.isNotFound {
            return
        }
    }

    /// Every upload in progress under `prefix` (relative to `rootdirectory`), page after page.
    public func listMultipartUploads(prefix: String) async throws(S3Error) -> [S3MultipartUpload] {
        let operation = "LIST-MULTIPART \(prefix)"
        var uploads: [S3MultipartUpload] = []
        var keyMarker: String?
        var uploadMarker: String?
        while true {
            var query: [(name: String, value: String)] = [("uploads", ""), ("prefix", fullKey(prefix))]
            if let keyMarker { query.append(("key-marker", keyMarker)) }
            if let uploadMarker { query.append(("upload-id-marker", uploadMarker)) }
            let root = try await document(try await send(.GET, key: nil, query: query, operation: operation), operation: operation)
            for entry in root.all("Upload") {
                guard let key = entry.text("Key").flatMap(relativeKey), let id = entry.text("UploadId") else { continue }
                uploads.append(S3MultipartUpload(key: key, uploadID: id, initiated: S3Dates.parse(entry.text("Initiated"))))
            }
            guard root.text("IsTruncated") == "true", let nextKey = root.text("NextKeyMarker"), !nextKey.isEmpty else { return uploads }
            keyMarker = nextKey
            uploadMarker = root.text("NextUploadIdMarker")
        }
    }
}

import AsyncHTTPClient
import Foundation

/// What HEAD or GET learns of an object.
public struct S3ObjectInfo: Sendable, Equatable {
    /// The key, relative to `rootdirectory`.
    public let key: String
    /// Its length (for a ranged GET, the whole object's).
    public let size: Int64
    public let contentType: String?
    public let eTag: String?
    public let lastModified: Date?
}

/// An object being read: its head, and its body streamed with back-pressure (the next
/// chunk is asked of the socket only when the last one was consumed).
public struct S3ObjectStream: Sendable {
    public let info: S3ObjectInfo
    /// Bytes in this answer (the range's length for a ranged GET).
    public let contentLength: Int64?
    public let body: HTTPClientResponse.Body
}

/// One entry of a listing.
public struct S3ListedObject: Sendable, Equatable {
    /// The key, relative to `rootdirectory`.
    public let key: String
    public let size: Int64
    public let lastModified: Date?
}

/// One page of ListObjectsV2.
public struct S3ListPage: Sendable {
    public let objects: [S3ListedObject]
    /// Pass to the next call; `nil` on the last page.
    public let continuationToken: String?
}

/// A multipart upload not yet completed or aborted.
public struct S3MultipartUpload: Sendable, Equatable {
    /// The key it will complete to, relative to `rootdirectory`.
    public let key: String
    public let uploadID: String
    public let initiated: Date?
}

/// A part uploaded, for the completion.
public struct S3UploadedPart: Sendable, Equatable {
    public let number: Int
    public let eTag: String

    public init(number: Int, eTag: String) {
        self.number = number
        self.eTag = eTag
    }
}

enum S3Dates {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// S3's ISO 8601 times, with or without fractional seconds; HTTP dates for `Last-Modified`.
    static func parse(_ text: String?) -> Date? {
        // Both forms are ASCII; DateFormatter on Linux traps on some other text.
        guard let text, text.allSatisfy(\.isASCII) else { return nil }
        // Only the HTTP date (`Tue, 01 Dec 2026 12:00:00 GMT`) has a comma.
        guard text.contains(",") else {
            return (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
        }
        let http = DateFormatter()
        http.locale = Locale(identifier: "en_US_POSIX")
        http.timeZone = TimeZone(identifier: "GMT")
        http.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return http.date(from: text)
    }
}

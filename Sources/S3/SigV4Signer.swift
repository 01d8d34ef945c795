import Crypto
import Foundation

/// AWS Signature Version 4 (`AWS4-HMAC-SHA256`), for request headers and presigned URLs.
///
/// A pure value: given the request's parts and a time it returns the signature, so it is
/// tested against AWS's published vectors without a network.
public struct SigV4Signer: Sendable {
    /// The parts of a request that are signed. `path` is already URI-encoded (S3 encodes an
    /// object key once and never normalises it); `query` holds names and values unencoded.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: [(name: String, value: String)]
        /// Headers to sign, `host` included; names in any case.
        public var headers: [(name: String, value: String)]
        /// The hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
        public var payloadHash: String

        public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)], payloadHash: String) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The hash of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The payload hash of a body that is streamed unsigned (S3 accepts it over any transport).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public let credentials: S3Credentials
    public let region: String
    public let service: String

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The `Authorization` header's value for `request`, which must already carry `x-amz-date`
    /// with `date` (and `x-amz-security-token` when there is a session token).
    public func authorization(for request: Request, date: Date) -> String {
        let (signedHeaders, signature) = sign(request, date: date)
        return "AWS4-HMAC-SHA256 Credential=\(credentials.accessKey)/\(scope(date)), SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// The names of the signed headers and the hex signature.
    public func sign(_ request: Request, date: Date) -> (signedHeaders: String, signature: String) {
        let headers = Self.canonicalHeaders(request.headers)
        let signedHeaders = headers.map(\.name).joined(separator: ";")
        let headerLines: String = headers.map { (header: (name: String, value: String)) -> String in header.name + ":" + header.value + "\n" }.joined()
        let parts: [String] = [request.method, request.path, Self.canonicalQuery(request.query), headerLines, signedHeaders, request.payloadHash]
        let canonical = parts.joined(separator: "\n")
        return (signedHeaders, signature(of: stringToSign(canonicalRequest: canonical, date: date), date: date))
    }

    /// `AWS4-HMAC-SHA256`, the time, the scope and the canonical request's hash.
    func stringToSign(canonicalRequest: String, date: Date) -> String {
        let hash = SHA256.hash(data: Data(canonicalRequest.utf8)).hexString
        return "AWS4-HMAC-SHA256\n\(Self.timestamp(date))\n\(scope(date))\n\(hash)"
    }

    func signature(of stringToSign: String, date: Date) -> String {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretKey)".utf8))
        for part in [Self.day(date), region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return Data(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key)).hexString
    }

    /// `<day>/<region>/<service>/aws4_request`.
    func scope(_ date: Date) -> String {
        "\(Self.day(date))/\(region)/\(service)/aws4_request"
    }

    // MARK: Canonical forms

    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (URIEncoding.component($0.name), URIEncoding.component($0.value)) }
        let sorted = encoded.sorted { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name == b.name ? a.value < b.value : a.name < b.name
        }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// Lower-cased names, sorted; values trimmed with inner runs of spaces folded to one;
    /// repeated names joined by commas.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var byName: [String: [String]] = [:]
        for header in headers {
            let value: String = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            byName[header.name.lowercased(), default: []].append(value.trimmingCharacters(in: .whitespaces))
        }
        return byName.keys.sorted().map { (name: String) -> (name: String, value: String) in (name, byName[name, default: []].joined(separator: ",")) }
    }

    // MARK: Time

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, the form of `x-amz-date`.
    public static func timestamp(_ date: Date) -> String {
        let parts = utcParts(date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second)
    }

    static func day(_ date: Date) -> String {
        String(timestamp(date).prefix(8))
    }

    private static func utcParts(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}

extension Sequence where Element == UInt8 {
    /// Lower-case hex, as SigV4 writes hashes and signatures.
    var hexString: String {
        map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }
}

/// A failed request to the bucket: S3's own error code when it answered with one, the HTTP
/// status, the operation and the object key. Never the secret or a signature.
public struct S3Error: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        /// The service answered with an `<Error>` document (or a bare status for HEAD).
        case service(String)
        /// No answer: connection refused, DNS, TLS, timeout.
        case unreachable
        /// An answer Wharf could not read.
        case malformedResponse
    }

    /// Which setting a failure most likely points at, so start-up can name the key.
    public enum Suspect: Sendable, Equatable {
        case accessKey
        case secretKey
        case bucket
        case endpoint
        case region
    }

    private let code: Code
    /// The HTTP status, when there was an answer.
    public let status: Int?
    /// What was being done, e.g. `PUT blobs/sha256/ab...`.
    public let operation: String
    /// S3's message, or what went wrong.
    public let message: String

    private init(_ code: Code, status: Int?, operation: String, message: String) {
        self.code = code
        self.status = status
        self.operation = operation
        self.message = message
    }

    /// An answer with S3's error code (`NoSuchKey`, `PreconditionFailed`, `AccessDenied`, ...).
    public static func service(code: String, status: Int, operation: String, message: String) -> S3Error {
        S3Error(.service(code), status: status, operation: operation, message: message)
    }

    /// The endpoint did not answer.
    public static func unreachable(operation: String, _ error: any Error) -> S3Error {
        S3Error(.unreachable, status: nil, operation: operation, message: "\(error)")
    }

    /// The endpoint answered something that is not S3.
    public static func malformed(operation: String, status: Int?, _ reason: String) -> S3Error {
        S3Error(.malformedResponse, status: status, operation: operation, message: reason)
    }

    /// S3's error code, e.g. `NoSuchKey`; `nil` when there was no answer.
    public var serviceCode: String? {
        if case .service(let code) = code { return code }
        return nil
    }

    /// The endpoint could not be reached at all.
    public var isUnreachable: Bool { code == .unreachable }

    /// A conditional write found the key already there (`If-None-Match: *`).
    public var isPreconditionFailed: Bool { status == 412 || serviceCode == "PreconditionFailed" }

    /// The key or upload does not exist.
    public var isNotFound: Bool { status == 404 || serviceCode == "NoSuchKey" || serviceCode == "NoSuchUpload" }

    /// The setting most likely wrong, when the failure says.
    public var suspect: Suspect? {
        switch code {
        case .unreachable: return .endpoint
        case .malformedResponse: return nil
        case .service(let code):
            switch code {
            case "InvalidAccessKeyId": return .accessKey
            case "SignatureDoesNotMatch": return .secretKey
            case "NoSuchBucket": return .bucket
            case "AuthorizationHeaderMalformed", "IllegalLocationConstraintException": return .region
            case "AccessDenied": return .accessKey
            default: return status == 403 ? .accessKey : nil
            }
        }
    }

    public var description: String {
        let what = switch code {
        case .service(let code): "\(code) (HTTP \(status.map(String.init) ?? "?"))"
        case .unreachable: "endpoint unreachable"
        case .malformedResponse: "unreadable answer (HTTP \(status.map(String.init) ?? "?"))"
        }
        return "S3 \(operation): \(what): \(message)"
    }
}

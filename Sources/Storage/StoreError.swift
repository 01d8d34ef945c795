import Registry

/// A failure of the store, with the path it concerns.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case digestMismatch
        case sizeMismatch
        case corruptRecord
        case io
    }

    private let code: Code
    /// What happened, naming the object.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The content hashed to another digest than the one it was fetched under.
    public static func digestMismatch(expected: String, actual: String) -> StoreError {
        .init(.digestMismatch, "content hashed to \(actual), expected \(expected); nothing was stored")
    }

    /// The content's length differs from what the upstream announced.
    public static func sizeMismatch(expected: Int64, actual: Int64) -> StoreError {
        .init(.sizeMismatch, "content was \(actual) bytes, the upstream announced \(expected); nothing was stored")
    }

    /// Why content of `size` bytes that hashed to `actual` may not be stored under `expected`,
    /// or `nil` when it may.
    static func verification(of actual: Digest, expected: Digest, size: Int64, expectedSize: Int64?) -> StoreError? {
        if let expectedSize, expectedSize != size { return .sizeMismatch(expected: expectedSize, actual: size) }
        guard actual == expected else { return .digestMismatch(expected: expected.description, actual: actual.description) }
        return nil
    }

    /// A record on disk could not be read back.
    public static func corruptRecord(_ path: String, _ reason: String) -> StoreError {
        .init(.corruptRecord, "\(path): \(reason)")
    }

    /// A file-system call failed.
    public static func io(_ path: String, _ error: any Error) -> StoreError {
        .init(.io, "\(path): \(error)")
    }

    /// A file-system failure described in words.
    public static func io(_ path: String, _ reason: String) -> StoreError {
        .init(.io, "\(path): \(reason)")
    }

    /// Whether the content failed verification (as opposed to an I/O failure).
    public var isVerificationFailure: Bool { code == .digestMismatch || code == .sizeMismatch }

    public var description: String { message }
}

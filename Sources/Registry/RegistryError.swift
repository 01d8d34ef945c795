/// An error of the distribution API, rendered as the OCI JSON error body.
///
/// A struct wrapping a code, so that new codes break nobody. Each code carries its HTTP
/// status as the OCI distribution spec assigns it.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The error codes of the OCI distribution spec (plus distribution's `TOOMANYREQUESTS`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code as it appears in the JSON body, e.g. `MANIFEST_UNKNOWN`.
        public let rawValue: String
        /// The HTTP status the code is sent with.
        public let status: Int

        private init(_ rawValue: String, _ status: Int) {
            self.rawValue = rawValue
            self.status = status
        }

        public static let blobUnknown = Code("BLOB_UNKNOWN", 404)
        public static let digestInvalid = Code("DIGEST_INVALID", 400)
        public static let manifestUnknown = Code("MANIFEST_UNKNOWN", 404)
        public static let manifestInvalid = Code("MANIFEST_INVALID", 400)
        public static let nameInvalid = Code("NAME_INVALID", 400)
        public static let nameUnknown = Code("NAME_UNKNOWN", 404)
        public static let tagInvalid = Code("TAG_INVALID", 400)
        public static let unauthorized = Code("UNAUTHORIZED", 401)
        public static let denied = Code("DENIED", 403)
        public static let unsupported = Code("UNSUPPORTED", 405)
        public static let tooManyRequests = Code("TOOMANYREQUESTS", 429)
        public static let rangeNotSatisfiable = Code("RANGE_INVALID", 416)
        public static let sizeInvalid = Code("SIZE_INVALID", 400)
        /// The upstream failed (5xx, timeout, unreachable, or sent content that failed verification).
        public static let upstreamUnavailable = Code("UNAVAILABLE", 503)
        /// The upstream answered in a way Wharf cannot pass on.
        public static let badGateway = Code("UPSTREAM_ERROR", 502)
        /// Request headers larger than the server accepts.
        public static let headersTooLarge = Code("HEADERS_TOO_LARGE", 431)
        /// A failure inside Wharf; the log has details.
        public static let internalError = Code("INTERNAL_ERROR", 500)
        /// A path outside the distribution API.
        public static let notFound = Code("NOT_FOUND", 404)

        public var description: String { rawValue }
    }

    /// What went wrong, as a code.
    public let code: Code
    /// A human-readable message; never contains secrets.
    public let message: String
    /// Seconds the client should wait (sent as `Retry-After`), for `TOOMANYREQUESTS` and upstream failures.
    public var retryAfter: Int?

    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// The OCI error body: `{"errors":[{"code":"...","message":"...","detail":{}}]}`.
    public var jsonBody: String {
        #"{"errors":[{"code":""# + code.rawValue + #"","message":""# + JSONString.escape(message) + #"","detail":{}}]}"#
            + "\n"
    }

    public static func digestInvalid(_ message: String) -> RegistryError { .init(.digestInvalid, message) }
    public static func nameInvalid(_ message: String) -> RegistryError { .init(.nameInvalid, message) }
    public static func tagInvalid(_ message: String) -> RegistryError { .init(.tagInvalid, message) }
}

/// JSON string escaping for the few strings Wharf writes by hand.
public enum JSONString {
    /// Escapes `text` for use inside a JSON string literal.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

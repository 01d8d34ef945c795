import Foundation

/// The user and password of an `Authorization: Basic base64(user:password)` header (RFC 7617).
///
/// Its description leaves the password out, so interpolating it into a log line is harmless.
struct BasicCredentials: Sendable, CustomStringConvertible {
    /// Longer headers are refused without decoding; no real credential is this long.
    static let maximumHeaderLength = 4096

    let user: String
    let password: [UInt8]

    /// Parses the header; nil for another scheme, bad base64, no colon, an empty or non-UTF-8 user.
    init?(authorization: String) {
        guard authorization.utf8.count <= Self.maximumHeaderLength else { return nil }
        let trimmed = Substring(authorization).trimmingWhitespace()
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }),
            trimmed[..<space].lowercased() == "basic"
        else { return nil }
        var token = String(trimmed[space...].trimmingWhitespace())
        if token.utf8.count % 4 != 0 {
            token += String(repeating: "=", count: 4 - token.utf8.count % 4)
        }
        guard let decoded = Data(base64Encoded: token) else { return nil }
        let bytes = Array(decoded)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            let user = String(validating: bytes[..<colon], as: UTF8.self)
        else { return nil }
        self.user = user
        password = Array(bytes[(colon + 1)...])
    }

    var description: String {
        "BasicCredentials(user: \(String(reflecting: user)), password: <redacted>)"
    }
}

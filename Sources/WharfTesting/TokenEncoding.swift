import Foundation
import Crypto

/// The encodings Docker's token format uses.
enum TokenEncoding {
    /// Base64url without padding (RFC 7515 section 2).
    static func base64URL(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Base32 (RFC 4648 alphabet) without padding.
    static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var output = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
        }
        return output
    }

    /// The libtrust key ID of a public key: SHA-256 of its DER SubjectPublicKeyInfo, first 30 bytes,
    /// base32, in 12 groups of 4 characters joined by ':'.
    static func libtrustKeyID(subjectPublicKeyInfo der: [UInt8]) -> String {
        let hash = Array(Crypto.SHA256.hash(data: der).prefix(30))
        let text = Array(base32(hash))
        return stride(from: 0, to: text.count, by: 4)
            .map { String(text[$0..<min($0 + 4, text.count)]) }
            .joined(separator: ":")
    }
}

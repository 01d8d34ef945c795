/// A content digest as the OCI distribution spec writes it: `algorithm:encoded`.
///
/// Only algorithms with a known length are accepted (`sha256`, `sha512`), and the encoded
/// part must be lower-case hex of exactly that length, so a parsed digest is always safe
/// to use as a file name.
///
/// ```swift
/// let digest = try Digest(parsing: "sha256:" + String(repeating: "a", count: 64))
/// ```
public struct Digest: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The hash algorithms Wharf verifies content with.
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha256
        case sha512

        /// Number of hex characters in an encoded digest of this algorithm.
        public var hexLength: Int {
            switch self {
            case .sha256: 64
            case .sha512: 128
            }
        }
    }

    /// The algorithm that produced the digest.
    public let algorithm: Algorithm
    /// The lower-case hex encoding of the hash.
    public let hex: String

    /// Parses and validates `algorithm:hex`.
    /// - Throws: ``RegistryError`` with code `DIGEST_INVALID` when the text is not a digest Wharf can verify.
    public init(parsing text: some StringProtocol) throws(RegistryError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw .digestInvalid("digest \(Self.quoted(text)) has no algorithm prefix")
        }
        let algorithmName = text[text.startIndex..<colon]
        let encoded = text[text.index(after: colon)...]
        guard let algorithm = Algorithm(rawValue: String(algorithmName)) else {
            throw .digestInvalid("digest algorithm \(Self.quoted(algorithmName)) is not supported (sha256, sha512)")
        }
        guard encoded.utf8.count == algorithm.hexLength,
            encoded.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else {
            throw .digestInvalid("\(algorithm.rawValue) digest must be \(algorithm.hexLength) lower-case hex characters")
        }
        self.algorithm = algorithm
        self.hex = String(encoded)
    }

    /// Builds a digest from a hash already computed by Wharf.
    public init(algorithm: Algorithm, bytes: some Sequence<UInt8>) {
        self.algorithm = algorithm
        self.hex = Hex.encode(bytes)
    }

    public var description: String { "\(algorithm.rawValue):\(hex)" }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    static func quoted(_ text: some StringProtocol) -> String {
        let clipped = text.prefix(80)
        return "\"\(clipped)\(clipped.count < text.count ? "…" : "")\""
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

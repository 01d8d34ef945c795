import Crypto

/// A TSIG MAC algorithm (RFC 8945 §6): HMAC with SHA-256 (the default), SHA-512, SHA-384,
/// SHA-224 or SHA-1.
public struct TSIGAlgorithm: Sendable, Hashable, CustomStringConvertible {
    private enum Hash: Sendable, Hashable {
        case sha1, sha224, sha256, sha384, sha512
    }

    private let hash: Hash

    private init(_ hash: Hash) {
        self.hash = hash
    }

    /// `hmac-sha256`, the default and what `tsig-keygen` makes.
    public static let hmacSHA256 = Self(.sha256)
    /// `hmac-sha512`.
    public static let hmacSHA512 = Self(.sha512)
    /// `hmac-sha384`.
    public static let hmacSHA384 = Self(.sha384)
    /// `hmac-sha224`.
    public static let hmacSHA224 = Self(.sha224)
    /// `hmac-sha1`, for old servers only.
    public static let hmacSHA1 = Self(.sha1)

    /// Parses an algorithm name as BIND, lego and nsupdate write it: `hmac-sha256`,
    /// `hmac-sha256.` or `HMAC-SHA256`.
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidConfiguration``) naming the supported ones,
    ///   for instance for `hmac-md5`.
    public init(_ text: String) throws {
        var name = text.lowercased().filter { !$0.isWhitespace }
        if name.hasSuffix(".") {
            name.removeLast()
        }
        switch name {
        case "hmac-sha1": self = .hmacSHA1
        case "hmac-sha224": self = .hmacSHA224
        case "hmac-sha256": self = .hmacSHA256
        case "hmac-sha384": self = .hmacSHA384
        case "hmac-sha512": self = .hmacSHA512
        default:
            throw DNSError.invalidSetting(
                "tsigalgorithm",
                "\(String(reflecting: text)) is not supported; use hmac-sha256 (recommended), hmac-sha512, "
                    + "hmac-sha384, hmac-sha224 or hmac-sha1, and make the key with `tsig-keygen -a hmac-sha256`"
            )
        }
    }

    /// The algorithm's name as it appears in a TSIG record, e.g. `hmac-sha256.`.
    public var name: DNSName {
        // Literal, valid labels: constructing them cannot fail.
        DNSName(validatedLabels: [Array(text.utf8)])
    }

    /// The name without the trailing dot, e.g. `hmac-sha256`.
    public var description: String { text }

    /// The length in bytes of an untruncated MAC.
    public var macLength: Int {
        switch hash {
        case .sha1: Insecure.SHA1.byteCount
        case .sha224: 28
        case .sha256: SHA256.byteCount
        case .sha384: SHA384.byteCount
        case .sha512: SHA512.byteCount
        }
    }

    private var text: String {
        switch hash {
        case .sha1: "hmac-sha1"
        case .sha224: "hmac-sha224"
        case .sha256: "hmac-sha256"
        case .sha384: "hmac-sha384"
        case .sha512: "hmac-sha512"
        }
    }

    /// HMAC of `data` under `secret`.
    func mac(secret: [UInt8], data: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: secret)
        switch hash {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key))
        case .sha224: return SHA224.hmac(secret: secret, data: data)
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: key))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: data, using: key))
        }
    }
}

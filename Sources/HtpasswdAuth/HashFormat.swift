/// What an htpasswd hash field holds, judged from its shape alone.
///
/// Apache's htpasswd writes bcrypt (`-B`), SHA-crypt (`-2`, `-5`), MD5 apr1 (`-m`, its default),
/// SHA-1 (`-s`), DES crypt (`-d`) and plain text (`-p`); only the first two are slow enough
/// to resist guessing, so only they are ``isAccepted``.
enum HashFormat: Equatable, Sendable {
    /// `$2y$`, `$2b$` or `$2a$` with its cost (4...31).
    case bcrypt(cost: Int)
    /// `$5$` (SHA-256) or `$6$` (SHA-512) crypt, with its rounds (5000 when not given).
    case shaCrypt(bits: Int, rounds: Int)
    /// A format that is fast to guess; the associated text names it for a person.
    case weak(String)
    /// A `$id$` scheme Wharf does not take, or an accepted scheme that is cut short; the text says which.
    case unsupported(String)

    private static let cryptAlphabet = Set("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    init(_ hash: String) {
        let bytes = Array(hash.utf8)
        if hash.hasPrefix("$2y$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2a$") {
            self = Self.bcrypt(bytes)
        } else if hash.hasPrefix("$5$") || hash.hasPrefix("$6$") {
            self = Self.shaCrypt(hash)
        } else if hash.hasPrefix("$apr1$") {
            self = .weak("MD5 (apr1, `htpasswd -m`)")
        } else if hash.hasPrefix("$1$") {
            self = .weak("MD5 crypt ($1$)")
        } else if hash.hasPrefix("{SHA}") {
            self = .weak("unsalted SHA-1 ({SHA}, `htpasswd -s`)")
        } else if hash.hasPrefix("$2x$") {
            self = .unsupported("$2x$ is bcrypt from the flawed crypt_blowfish before 1.1")
        } else if bytes.count == 13 && bytes.allSatisfy(Self.cryptAlphabet.contains) {
            self = .weak("DES crypt (`htpasswd -d`, only 8 characters count)")
        } else if hash.hasPrefix("$"), let end = hash.dropFirst().firstIndex(of: "$") {
            let scheme = hash[..<hash.index(after: end)]
            self = .unsupported("the hash scheme \(scheme)$ is not supported")
        } else {
            self = .weak("plain text (or a hash Wharf does not recognise)")
        }
    }

    /// Whether Wharf verifies passwords against this format.
    var isAccepted: Bool {
        switch self {
        case .bcrypt, .shaCrypt: true
        case .weak, .unsupported: false
        }
    }

    /// Hashes of the same family and cost take the same time to verify.
    var costClass: String? {
        switch self {
        case .bcrypt(let cost): "bcrypt-\(cost)"
        case .shaCrypt(let bits, let rounds): "sha\(bits)-\(rounds)"
        case .weak, .unsupported: nil
        }
    }

    /// `$2?$NN$` followed by 22 salt and 31 hash characters.
    private static func bcrypt(_ bytes: [UInt8]) -> HashFormat {
        let broken = HashFormat.unsupported("the bcrypt hash is malformed (cut short or altered)")
        guard bytes.count == 60, bytes[6] == UInt8(ascii: "$"),
            let tens = digit(bytes[4]), let ones = digit(bytes[5])
        else { return broken }
        let cost = tens * 10 + ones
        guard (4...31).contains(cost), bytes[7...].allSatisfy(cryptAlphabet.contains) else { return broken }
        return .bcrypt(cost: cost)
    }

    /// `$5$[rounds=N$]SALT$HASH`, with at most 16 salt characters and a 43 (SHA-256) or 86 (SHA-512) character hash.
    private static func shaCrypt(_ hash: String) -> HashFormat {
        let bits = hash.hasPrefix("$5$") ? 256 : 512
        let broken = HashFormat.unsupported("the SHA-crypt hash is malformed (cut short or altered)")
        var fields = hash.dropFirst(3).split(separator: "$", omittingEmptySubsequences: false)
        var rounds = 5000
        if let first = fields.first, first.hasPrefix("rounds=") {
            guard let given = Int(first.dropFirst("rounds=".count)), given > 0 else { return broken }
            rounds = min(max(given, 1000), 999_999_999)
            fields.removeFirst()
        }
        guard fields.count == 2, let salt = fields.first, let digest = fields.last,
            salt.utf8.count <= 16, !salt.contains(":"),
            digest.utf8.count == (bits == 256 ? 43 : 86), digest.utf8.allSatisfy(cryptAlphabet.contains)
        else { return broken }
        return .shaCrypt(bits: bits, rounds: rounds)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}

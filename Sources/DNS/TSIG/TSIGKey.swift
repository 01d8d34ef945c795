import Foundation

/// A TSIG key: its name, algorithm and shared secret.
///
/// The secret never appears in ``description``, `debugDescription` or a `Mirror`, so logging or
/// dumping a key (or a settings struct holding one) shows only its name and algorithm.
///
/// ```swift
/// let key = try TSIGKey.load(file: "/etc/wharf/tsig.key")          // as tsig-keygen wrote it
/// let same = try TSIGKey(name: "acme-key", algorithm: .hmacSHA256, secret: "l6VmWM...KLsU=")
/// ```
public struct TSIGKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key's name, which the server looks the secret up by (`acme-key.`).
    public let name: DNSName
    /// The MAC algorithm.
    public let algorithm: TSIGAlgorithm
    /// The shared secret.
    let secret: [UInt8]

    /// Creates a key from a base64 secret, as in a BIND key file or `RFC2136_TSIG_SECRET`.
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidConfiguration``) for a bad name, or a secret
    ///   that is empty or not base64.
    public init(name: String, algorithm: TSIGAlgorithm = .hmacSHA256, secret base64Secret: String) throws {
        let keyName: DNSName
        do {
            keyName = try DNSName(name)
        } catch {
            throw DNSError.invalidSetting("tsigkey", "\(error)")
        }
        let compact = base64Secret.filter { !$0.isWhitespace }
        guard let decoded = Data(base64Encoded: compact), !decoded.isEmpty else {
            throw DNSError.invalidSetting(
                "tsigsecret",
                "the secret for key \(keyName) is \(compact.isEmpty ? "empty" : "not valid base64"); "
                    + "copy the `secret` value of the key made with `tsig-keygen -a \(algorithm) \(name)`"
            )
        }
        self.init(name: keyName, algorithm: algorithm, secret: Array(decoded))
    }

    /// Creates a key from raw secret bytes.
    public init(name: DNSName, algorithm: TSIGAlgorithm = .hmacSHA256, secret: [UInt8]) {
        self.name = name
        self.algorithm = algorithm
        self.secret = secret
    }

    /// Reads a key from a file in BIND's format, as `tsig-keygen` writes it:
    ///
    /// ```
    /// key "acme-key" {
    ///     algorithm hmac-sha256;
    ///     secret "l6VmWMsHtZlhSdNjCSCjPfeT6l3yYtKKJBWt5Y/KLsU=";
    /// };
    /// ```
    ///
    /// - Parameters:
    ///   - path: the file; it may hold other statements and comments, which are skipped.
    ///   - keyName: which key to take when the file holds several; nil takes the only one.
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidConfiguration``) naming the file and the problem.
    public static func load(file path: String, keyName: String? = nil) throws -> TSIGKey {
        guard let contents = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable by this user" : "it does not exist"
            throw DNSError.keyFile(path, reason)
        }
        return try TSIGKeyFile.parse(String(decoding: contents, as: UTF8.self), source: path, keyName: keyName)
    }

    /// The key's name and algorithm, e.g. `acme-key. (hmac-sha256)`.
    public var description: String {
        "\(name) (\(algorithm))"
    }

    /// The same as ``description``: the secret is never shown.
    public var debugDescription: String {
        "TSIGKey(\(description), secret redacted)"
    }

    /// A mirror without the secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "algorithm": algorithm], displayStyle: .struct)
    }
}

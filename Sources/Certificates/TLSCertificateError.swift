import Foundation

/// Why a certificate, a private key or a certificate file was refused.
///
/// The ``description`` names the file (or says "the certificate" / "the private key" for text
/// passed in memory) and the reason; it never contains key material. Use ``kind`` to branch:
///
/// ```swift
/// do {
///     try provider.install(await CertificatePair.load(certificatePath: cert, keyPath: key))
/// } catch where error.kind == .expired {
///     ...
/// }
/// ```
public struct TLSCertificateError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case unreadableFile(path: String, reason: String)
        case writeFailed(path: String, reason: String)
        case invalidPEM(source: String, reason: String)
        case noCertificate(source: String)
        case invalidCertificate(source: String, index: Int, reason: String)
        case noPrivateKey(source: String)
        case encryptedPrivateKey(source: String)
        case invalidPrivateKey(source: String, reason: String)
        case keyMismatch(keySource: String, certificateSource: String)
        case expired(source: String, notAfter: Date, now: Date)
        case notYetValid(source: String, notBefore: Date, now: Date)
        case invalidName(name: String, reason: String)
        case invalidStateName(name: String, reason: String)
        case issuanceFailed(what: String, reason: String)
        case invalidRevocationList(source: String, line: Int, reason: String)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The class of failure, stable across releases (new kinds may be added).
    public var kind: Kind {
        switch code {
        case .unreadableFile: .unreadableFile
        case .writeFailed: .writeFailed
        case .invalidPEM, .noCertificate, .invalidCertificate: .invalidCertificate
        case .noPrivateKey, .encryptedPrivateKey, .invalidPrivateKey: .invalidPrivateKey
        case .keyMismatch: .keyMismatch
        case .expired: .expired
        case .notYetValid: .notYetValid
        case .invalidName, .invalidStateName: .invalidName
        case .issuanceFailed: .issuanceFailed
        case .invalidRevocationList: .invalidRevocationList
        }
    }

    /// One sentence naming the file (or the in-memory text) and the reason.
    public var description: String {
        switch code {
        case .unreadableFile(let path, let reason):
            "cannot read \(path): \(reason)"
        case .writeFailed(let path, let reason):
            "cannot write \(path): \(reason)"
        case .invalidPEM(let source, let reason):
            "\(source) is not valid PEM: \(reason)"
        case .noCertificate(let source):
            "\(source) contains no certificate (expected a -----BEGIN CERTIFICATE----- block)"
        case .invalidCertificate(let source, let index, let reason):
            "certificate #\(index + 1) in \(source) is not a valid X.509 certificate: \(reason)"
        case .noPrivateKey(let source):
            "\(source) contains no private key (expected a -----BEGIN PRIVATE KEY-----, "
                + "-----BEGIN EC PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- block)"
        case .encryptedPrivateKey(let source):
            "the private key in \(source) is encrypted; Wharf needs it unencrypted "
                + "(decrypt it with `openssl pkey -in KEY -out KEY.plain`) and protected by file mode 0600"
        case .invalidPrivateKey(let source, let reason):
            "the private key in \(source) cannot be used: \(reason)"
        case .keyMismatch(let keySource, let certificateSource):
            "the private key in \(keySource) does not match the public key of the certificate in \(certificateSource)"
        case .expired(let source, let notAfter, let now):
            "the certificate in \(source) expired at \(Self.format(notAfter)) (now \(Self.format(now)))"
        case .notYetValid(let source, let notBefore, let now):
            "the certificate in \(source) is not valid before \(Self.format(notBefore)) (now \(Self.format(now)))"
        case .invalidName(let name, let reason):
            "\(String(reflecting: name)) cannot be put in a certificate: \(reason)"
        case .invalidStateName(let name, let reason):
            "certificate name \(String(reflecting: name)) \(reason)"
        case .issuanceFailed(let what, let reason):
            "cannot issue \(what): \(reason)"
        case .invalidRevocationList(let source, let line, let reason):
            "\(source):\(line): \(reason)"
        }
    }

    private static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func unreadableFile(_ path: String, reason: String) -> Self {
        Self(.unreadableFile(path: path, reason: reason))
    }

    static func writeFailed(_ path: String, reason: String) -> Self {
        Self(.writeFailed(path: path, reason: reason))
    }

    static func invalidPEM(_ source: String, reason: String) -> Self {
        Self(.invalidPEM(source: source, reason: reason))
    }

    static func noCertificate(_ source: String) -> Self {
        Self(.noCertificate(source: source))
    }

    static func invalidCertificate(_ source: String, index: Int, reason: String) -> Self {
        Self(.invalidCertificate(source: source, index: index, reason: reason))
    }

    static func noPrivateKey(_ source: String) -> Self {
        Self(.noPrivateKey(source: source))
    }

    static func encryptedPrivateKey(_ source: String) -> Self {
        Self(.encryptedPrivateKey(source: source))
    }

    static func invalidPrivateKey(_ source: String, reason: String) -> Self {
        Self(.invalidPrivateKey(source: source, reason: reason))
    }

    static func keyMismatch(keySource: String, certificateSource: String) -> Self {
        Self(.keyMismatch(keySource: keySource, certificateSource: certificateSource))
    }

    static func expired(_ source: String, notAfter: Date, now: Date) -> Self {
        Self(.expired(source: source, notAfter: notAfter, now: now))
    }

    static func notYetValid(_ source: String, notBefore: Date, now: Date) -> Self {
        Self(.notYetValid(source: source, notBefore: notBefore, now: now))
    }

    static func invalidName(_ name: String, reason: String) -> Self {
        Self(.invalidName(name: name, reason: reason))
    }

    static func invalidStateName(_ name: String, reason: String) -> Self {
        Self(.invalidStateName(name: name, reason: reason))
    }

    static func issuanceFailed(_ what: String, reason: String) -> Self {
        Self(.issuanceFailed(what: what, reason: reason))
    }

    static func invalidRevocationList(_ source: String, line: Int, reason: String) -> Self {
        Self(.invalidRevocationList(source: source, line: line, reason: reason))
    }
}

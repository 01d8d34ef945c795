import Crypto
import Foundation

/// The ACME account key: P-256, signing every request with ES256.
///
/// Its ``description`` shows only the thumbprint; the private key leaves this type only as
/// ``pemRepresentation``, to be written to a 0600 file.
public struct AccountKey: Sendable, CustomStringConvertible {
    private let privateKey: P256.Signing.PrivateKey

    /// A fresh random key.
    public init() {
        privateKey = P256.Signing.PrivateKey()
    }

    /// The key in `pem` (PKCS#8 `PRIVATE KEY` or SEC 1 `EC PRIVATE KEY`).
    ///
    /// - Parameter source: names the file in the error.
    /// - Throws: ``ACMEError`` of kind ``ACMEError/Kind/storage`` when it is not a P-256 key.
    public init(pemRepresentation pem: String, source: String = "the account key") throws(ACMEError) {
        do {
            privateKey = try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw .invalidAccountKey(source, reason: "it is not a PEM P-256 private key (\(error))")
        }
    }

    /// Wraps an existing key (the RFC 7515 example key in tests).
    init(_ privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// The private key as PKCS#8 PEM.
    public var pemRepresentation: String { privateKey.pemRepresentation }

    /// The public key as a JWK (the `jwk` header of `newAccount`).
    public var jwk: JSONWebKey { JSONWebKey(privateKey.publicKey) }

    /// The JWK thumbprint (RFC 7638) that key authorizations end with.
    public var thumbprint: String { jwk.thumbprint }

    /// `AccountKey(thumbprint: …)`.
    public var description: String { "AccountKey(thumbprint: \(thumbprint))" }

    var signingKey: JWSSigningKey { .p256(privateKey) }
}

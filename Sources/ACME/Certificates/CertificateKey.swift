import Crypto
import X509
import _CryptoExtras

/// The private key of a certificate being ordered: created fresh for every order.
struct CertificateKey: Sendable {
    let type: KeyType
    let privateKey: Certificate.PrivateKey
    /// PKCS#8 PEM, to be stored 0600 next to the chain.
    let pemRepresentation: String
    /// The same key as a JWS signer, for revocation by certificate key.
    let signingKey: JWSSigningKey

    /// A fresh random key of `type` (RSA generation takes a moment: call it off any event loop).
    init(type: KeyType) throws {
        self.type = type
        switch type {
        case .ecdsaP256:
            let key = P256.Signing.PrivateKey()
            privateKey = Certificate.PrivateKey(key)
            pemRepresentation = key.pemRepresentation
            signingKey = .p256(key)
        case .ecdsaP384:
            let key = P384.Signing.PrivateKey()
            privateKey = Certificate.PrivateKey(key)
            pemRepresentation = key.pemRepresentation
            signingKey = .p384(key)
        case .rsa2048, .rsa4096:
            let key = try _RSA.Signing.PrivateKey(keySize: type == .rsa2048 ? .bits2048 : .bits4096)
            privateKey = Certificate.PrivateKey(key)
            pemRepresentation = key.pkcs8PEMRepresentation
            signingKey = .rsa(key)
        }
    }

    /// The key in `pem` (PKCS#8, SEC 1 or PKCS#1) as a JWS signer.
    static func signingKey(pem: String) throws(ACMEError) -> JWSSigningKey {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            return .p256(key)
        }
        if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) {
            return .p384(key)
        }
        if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            return .rsa(key)
        }
        throw .invalidConfiguration("the certificate key", reason: "is not an unencrypted PEM P-256, P-384 or RSA private key")
    }

    /// The signature algorithm a CSR signed with this key uses.
    var signatureAlgorithm: Certificate.SignatureAlgorithm {
        switch type {
        case .ecdsaP256: .ecdsaWithSHA256
        case .ecdsaP384: .ecdsaWithSHA384
        case .rsa2048, .rsa4096: .sha256WithRSAEncryption
        }
    }
}

import Crypto
import Foundation
import _CryptoExtras

/// A private key that signs JWS: the account key (ES256) or, to revoke a certificate
/// by its own key, the certificate's key (ES256, ES384 or RS256).
enum JWSSigningKey: Sendable {
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)
    case rsa(_RSA.Signing.PrivateKey)

    /// The JWS `alg` value (RFC 7518 §3.1).
    var algorithm: String {
        switch self {
        case .p256: "ES256"
        case .p384: "ES384"
        case .rsa: "RS256"
        }
    }

    /// The public half as a JWK.
    var jwk: JSONWebKey {
        get throws {
            switch self {
            case .p256(let key):
                return JSONWebKey(key.publicKey)
            case .p384(let key):
                return JSONWebKey(key.publicKey)
            case .rsa(let key):
                let primitives = try key.publicKey.getKeyPrimitives()
                return .rsa(n: Base64URL.encode(Self.unsigned(primitives.modulus)), e: Base64URL.encode(Self.unsigned(primitives.publicExponent)))
            }
        }
    }

    /// Signs `input`; ECDSA signatures are the fixed-size `r || s` JWS requires (RFC 7518 §3.4), not DER.
    func sign(_ input: [UInt8]) throws -> [UInt8] {
        switch self {
        case .p256(let key):
            Array(try key.signature(for: input).rawRepresentation)
        case .p384(let key):
            Array(try key.signature(for: input).rawRepresentation)
        case .rsa(let key):
            Array(try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation)
        }
    }

    /// Big-endian integer bytes without leading zeros, as JWK wants them (RFC 7518 §2).
    private static func unsigned(_ bytes: Data) -> [UInt8] {
        let trimmed = Array(bytes.drop { $0 == 0 })
        return trimmed.isEmpty ? [0] : trimmed
    }
}

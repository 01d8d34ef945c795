import Crypto
import Foundation
import _CryptoExtras

extension JSONWebKey {
    /// Whether `signature` is a valid JWS signature over `signingInput` by this key:
    /// ES256 or ES384 (`r || s`) for EC keys, RS256 for RSA keys.
    ///
    /// ACME never needs to verify, but this proves our encoding against the RFC 7515 examples.
    public func isValidSignature(_ signature: [UInt8], for signingInput: [UInt8]) -> Bool {
        switch self {
        case .ec(let curve, let x, let y):
            guard let x = Base64URL.decode(x), let y = Base64URL.decode(y) else { return false }
            switch curve {
            case "P-256":
                guard let key = try? P256.Signing.PublicKey(rawRepresentation: x + y),
                      let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
                else { return false }
                return key.isValidSignature(parsed, for: signingInput)
            case "P-384":
                guard let key = try? P384.Signing.PublicKey(rawRepresentation: x + y),
                      let parsed = try? P384.Signing.ECDSASignature(rawRepresentation: signature)
                else { return false }
                return key.isValidSignature(parsed, for: signingInput)
            default:
                return false
            }
        case .rsa(let n, let e):
            guard let n = Base64URL.decode(n), let e = Base64URL.decode(e),
                  let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { return false }
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: signingInput,
                padding: .insecurePKCS1v1_5
            )
        }
    }
}

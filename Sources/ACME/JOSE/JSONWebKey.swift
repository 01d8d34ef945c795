import Crypto
import Foundation

/// A public key as a JSON Web Key (RFC 7517), holding only the members RFC 7638 hashes.
///
/// ACME puts the account key in the `jwk` header of `newAccount` and derives key
/// authorizations from its ``thumbprint``.
public enum JSONWebKey: Sendable, Hashable {
    /// An elliptic-curve key: `crv` (`P-256`, `P-384`) and the base64url coordinates.
    case ec(curve: String, x: String, y: String)
    /// An RSA key: base64url modulus and exponent (big-endian, no leading zeros).
    case rsa(n: String, e: String)

    /// The JWK of a P-256 public key.
    public init(_ key: P256.Signing.PublicKey) {
        let raw = Array(key.rawRepresentation)
        self = .ec(curve: "P-256", x: Base64URL.encode(raw[0..<32]), y: Base64URL.encode(raw[32...]))
    }

    /// The JWK of a P-384 public key.
    public init(_ key: P384.Signing.PublicKey) {
        let raw = Array(key.rawRepresentation)
        self = .ec(curve: "P-384", x: Base64URL.encode(raw[0..<48]), y: Base64URL.encode(raw[48...]))
    }

    /// The required members in lexicographic order without whitespace (RFC 7638 §3.2):
    /// the exact bytes the thumbprint hashes, and what the `jwk` header carries.
    public var canonicalJSON: String {
        // The values are base64url or fixed names, so none needs JSON escaping.
        switch self {
        case .ec(let curve, let x, let y):
            #"{"crv":"\#(curve)","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        case .rsa(let n, let e):
            #"{"e":"\#(e)","kty":"RSA","n":"\#(n)"}"#
        }
    }

    /// The base64url SHA-256 JWK thumbprint (RFC 7638), the second half of a key authorization.
    public var thumbprint: String {
        Base64URL.encode(SHA256.hash(data: Array(canonicalJSON.utf8)))
    }
}

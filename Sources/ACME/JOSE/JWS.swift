import Foundation

/// A JWS in the flattened JSON serialization (RFC 7515 §7.2.2), the body of every ACME POST.
struct JWS: Codable, Sendable, Hashable {
    /// base64url of the protected header's JSON.
    let protected: String
    /// base64url of the payload; empty for POST-as-GET (RFC 8555 §6.3).
    let payload: String
    /// base64url of the signature over `protected.payload`.
    let signature: String

    /// The bytes the signature covers: `ASCII(protected || "." || payload)`.
    var signingInput: [UInt8] {
        Array("\(protected).\(payload)".utf8)
    }

    /// Signs `payload` (nil for POST-as-GET) under `header` with `key`.
    static func sign(payload: [UInt8]?, header: JWSProtectedHeader, key: JWSSigningKey) throws -> JWS {
        let protected = Base64URL.encode(try ACMEJSON.encode(header))
        let encodedPayload = payload.map { Base64URL.encode($0) } ?? ""
        let input = Array("\(protected).\(encodedPayload)".utf8)
        return JWS(protected: protected, payload: encodedPayload, signature: Base64URL.encode(try key.sign(input)))
    }
}

/// The protected header of an ACME JWS (RFC 8555 §6.2): exactly one of `jwk` and `kid`.
struct JWSProtectedHeader: Encodable, Sendable {
    var alg: String
    var jwk: JSONWebKey?
    var kid: String?
    var nonce: String?
    var url: String
}

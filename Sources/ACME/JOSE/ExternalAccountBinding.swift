import Crypto

/// External Account Binding (RFC 8555 §7.3.4): ties the new ACME account to an account the
/// CA already knows (ZeroSSL, Google Trust Services, many private CAs require it).
///
/// ``description`` shows the key id only, never the HMAC key.
public struct ExternalAccountBinding: Sendable, CustomStringConvertible {
    /// The key identifier the CA gave.
    public let keyID: String
    private let macKey: [UInt8]

    /// - Parameters:
    ///   - keyID: the EAB key id ("kid") from the CA.
    ///   - hmacKey: the EAB HMAC key from the CA, base64url as CAs hand it out (padding and
    ///     the standard alphabet are tolerated).
    /// - Throws: ``ACMEError`` of kind ``ACMEError/Kind/invalidConfiguration`` when either is empty
    ///   or the key is not base64.
    public init(keyID: String, hmacKey: String) throws(ACMEError) {
        guard !keyID.isEmpty else {
            throw .invalidConfiguration("the EAB key id", reason: "is empty; copy the key id (kid) from the CA's EAB credentials")
        }
        guard let decoded = Base64URL.decode(hmacKey), !decoded.isEmpty else {
            throw .invalidConfiguration(
                "the EAB HMAC key for key id \(keyID)",
                reason: "is not base64url text; copy the HMAC key exactly as the CA shows it"
            )
        }
        self.keyID = keyID
        self.macKey = decoded
    }

    /// `ExternalAccountBinding(keyID: …)`.
    public var description: String { "ExternalAccountBinding(keyID: \(keyID))" }

    /// The inner JWS for `newAccount`: HS256 over the account's JWK, with `kid` and the
    /// `newAccount` URL in the protected header and no nonce.
    func binding(for accountKey: JSONWebKey, url: String) throws -> JWS {
        let header = JWSProtectedHeader(alg: "HS256", jwk: nil, kid: keyID, nonce: nil, url: url)
        let protected = Base64URL.encode(try ACMEJSON.encode(header))
        let payload = Base64URL.encode(Array(accountKey.canonicalJSON.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(protected).\(payload)".utf8), using: SymmetricKey(data: macKey))
        return JWS(protected: protected, payload: payload, signature: Base64URL.encode(mac))
    }
}

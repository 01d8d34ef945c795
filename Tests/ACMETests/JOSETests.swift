import Crypto
import Foundation
import Testing

@testable import ACME

@Suite("JWS and JWK")
struct JOSETests {
    /// RFC 7515 appendix A.3: the ES256 example key, signing input and signature.
    static let rfcKey = JSONWebKey.ec(
        curve: "P-256",
        x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
        y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
    )
    static let rfcPrivateKey = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"
    static let rfcSigningInput = "eyJhbGciOiJFUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    static let rfcSignature = "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"

    @Test("verifies the RFC 7515 A.3 ES256 signature and rejects a tampered one")
    func verifiesRFCSignature() throws {
        let signature = try #require(Base64URL.decode(Self.rfcSignature))
        #expect(signature.count == 64)
        #expect(Self.rfcKey.isValidSignature(signature, for: Array(Self.rfcSigningInput.utf8)))
        var tampered = signature
        tampered[63] ^= 0x01
        #expect(!Self.rfcKey.isValidSignature(tampered, for: Array(Self.rfcSigningInput.utf8)))
    }

    @Test("our ES256 signature with the RFC 7515 A.3 key verifies with the RFC's public key")
    func ourSignatureVerifiesWithRFCKey() throws {
        let d = try #require(Base64URL.decode(Self.rfcPrivateKey))
        let privateKey = try P256.Signing.PrivateKey(rawRepresentation: d)
        #expect(JSONWebKey(privateKey.publicKey) == Self.rfcKey)

        let input = Array(Self.rfcSigningInput.utf8)
        let signature = try JWSSigningKey.p256(privateKey).sign(input)
        #expect(signature.count == 64, "ES256 is r || s, 64 bytes, not DER")
        #expect(Self.rfcKey.isValidSignature(signature, for: input))

        // Independently of our verifier: CryptoKit with the RFC's coordinates.
        let x = try #require(Base64URL.decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"))
        let y = try #require(Base64URL.decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"))
        let publicKey = try P256.Signing.PublicKey(rawRepresentation: x + y)
        #expect(publicKey.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: signature), for: input))
    }

    @Test("a signed ACME request carries alg, jwk or kid, nonce and url, and verifies")
    func signedRequestShape() throws {
        let account = AccountKey()
        let payload = Array(#"{"termsOfServiceAgreed":true}"#.utf8)
        let header = try RequestSigner.key(account.signingKey).header(url: "https://ca.test/new-account", nonce: "n0nce")
        let jws = try JWS.sign(payload: payload, header: header, key: account.signingKey)
        let protected = try #require(Base64URL.decode(jws.protected))
        let expected = #"{"alg":"ES256","jwk":\#(account.jwk.canonicalJSON),"nonce":"n0nce","url":"https://ca.test/new-account"}"#
        #expect(String(decoding: protected, as: UTF8.self) == expected)
        #expect(Base64URL.decode(jws.payload) == payload)
        #expect(account.jwk.isValidSignature(try #require(Base64URL.decode(jws.signature)), for: jws.signingInput))

        let kidHeader = try RequestSigner.account(account, url: "https://ca.test/acct/7").header(url: "https://ca.test/order", nonce: "n2")
        let postAsGet = try JWS.sign(payload: nil, header: kidHeader, key: account.signingKey)
        #expect(postAsGet.payload == "")
        let kidProtected = String(decoding: try #require(Base64URL.decode(postAsGet.protected)), as: UTF8.self)
        #expect(kidProtected == #"{"alg":"ES256","kid":"https://ca.test/acct/7","nonce":"n2","url":"https://ca.test/order"}"#)
    }

    @Test("the RFC 7638 §3.1 thumbprint of the example RSA key")
    func rfc7638Thumbprint() {
        let key = JSONWebKey.rsa(
            n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            e: "AQAB"
        )
        #expect(key.canonicalJSON.hasPrefix(#"{"e":"AQAB","kty":"RSA","n":"0vx7ag"#))
        #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    @Test("the encoder writes a JWK exactly in its canonical form")
    func encodedJWKIsCanonical() throws {
        let key = AccountKey().jwk
        #expect(String(decoding: try ACMEJSON.encode(key), as: UTF8.self) == key.canonicalJSON)
    }

    @Test("the account key survives PEM and never shows in its description")
    func accountKeyPEM() throws {
        let key = AccountKey()
        let again = try AccountKey(pemRepresentation: key.pemRepresentation)
        #expect(again.thumbprint == key.thumbprint)
        #expect(!key.description.contains("PRIVATE"))
        #expect(throws: ACMEError.self) { try AccountKey(pemRepresentation: "not a key", source: "/tmp/x.key") }
    }

    @Test("EAB: HS256 over the account JWK with the kid and url, keyed with the decoded HMAC key")
    func externalAccountBinding() throws {
        let macKey = Array("a secret of thirty-two bytes !!!".utf8)
        let eab = try ExternalAccountBinding(keyID: "kid-1", hmacKey: Base64URL.encode(macKey))
        let account = AccountKey()
        let jws = try eab.binding(for: account.jwk, url: "https://ca.test/new-account")
        let header = String(decoding: try #require(Base64URL.decode(jws.protected)), as: UTF8.self)
        #expect(header == #"{"alg":"HS256","kid":"kid-1","url":"https://ca.test/new-account"}"#)
        #expect(Base64URL.decode(jws.payload) == Array(account.jwk.canonicalJSON.utf8))
        let expected = HMAC<SHA256>.authenticationCode(for: jws.signingInput, using: SymmetricKey(data: macKey))
        #expect(Base64URL.decode(jws.signature) == Array(expected))
        #expect(!eab.description.contains(Base64URL.encode(macKey)))
        #expect(throws: ACMEError.self) { try ExternalAccountBinding(keyID: "kid-1", hmacKey: "!!!") }
    }
}

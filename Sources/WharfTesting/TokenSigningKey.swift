import Crypto
import Foundation

/// The ES256 key a ``TokenServiceStandIn`` signs with, and its self-signed certificate.
struct TokenSigningKey: Sendable {
    let privateKey: P256.Signing.PrivateKey
    /// The libtrust key ID distribution looks the key up by (`kid` in the JWT header).
    let keyID: String
    /// The PEM file holding the certificate, for the registry's `rootcertbundle`.
    let bundlePath: String

    /// Makes a P-256 key and a self-signed certificate with the openssl CLI in `folder`.
    static func generate(in folder: TemporaryFolder, name: String) async throws -> TokenSigningKey {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let keyPath = folder.file("\(name)-key.pem")
        let bundlePath = folder.file("\(name)-bundle.pem")
        let result = try await Command.run(openssl, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", keyPath, "-out", bundlePath, "-days", "3650", "-subj", "/CN=wharf test token issuer",
        ])
        guard result.succeeded else {
            throw TestSupportError("openssl could not make the token signing key (status \(result.status)): \(result.stderr)")
        }
        let pem = try String(contentsOfFile: keyPath, encoding: .utf8)
        let privateKey = try P256.Signing.PrivateKey(pemRepresentation: pem)
        let keyID = TokenEncoding.libtrustKeyID(subjectPublicKeyInfo: Array(privateKey.publicKey.derRepresentation))
        return TokenSigningKey(privateKey: privateKey, keyID: keyID, bundlePath: bundlePath)
    }

    /// A compact JWS: base64url(header).base64url(claims).base64url(r||s).
    func sign(claims: TokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = TokenEncoding.base64URL(try encoder.encode(TokenHeader(kid: keyID)))
        let payload = TokenEncoding.base64URL(try encoder.encode(claims))
        let signingInput = "\(header).\(payload)"
        let signature = try privateKey.signature(for: Data(signingInput.utf8))
        return "\(signingInput).\(TokenEncoding.base64URL(signature.rawRepresentation))"
    }
}

import Logging
import SwiftASN1
import X509

extension ACMEClient {
    /// Revokes the leaf of `chainPEM` (RFC 8555 §7.6).
    ///
    /// - Parameters:
    ///   - chainPEM: the certificate (a chain: its first certificate is revoked).
    ///   - certificateKeyPEM: the certificate's own private key; when given the request is signed
    ///     with it (`jwk` header), which works without the account that ordered it.
    ///   - reason: a CRL reason code (RFC 5280 §5.3.1), e.g. 1 for keyCompromise, 4 for superseded.
    public func revokeCertificate(chainPEM: String, certificateKeyPEM: String? = nil, reason: Int? = nil) async throws {
        let chain = try CertificateChain(pem: chainPEM, url: "the certificate to revoke")
        var serializer = DER.Serializer()
        try serializer.serialize(chain.leaf)
        let payload = try ACMEJSON.encode(RevocationRequest(certificate: Base64URL.encode(serializer.serializedBytes), reason: reason))
        let keySigner: RequestSigner? = try certificateKeyPEM.map { pem throws(ACMEError) in .key(try CertificateKey.signingKey(pem: pem)) }
        try await withConnection { connection in
            let directory = try await connection.directory()
            guard let url = directory.revokeCert else {
                throw ACMEError.unexpectedResponse(directoryURL, action: "the directory request", reason: "the directory has no revokeCert endpoint")
            }
            let signer = if let keySigner { keySigner } else { try await account(on: connection).signer }
            _ = try await connection.post(url, payload: payload, signer: signer, action: "the revocation of serial \(chain.serial)")
            logger.info("certificate revoked", metadata: ["serial": "\(chain.serial)"])
        }
    }
}

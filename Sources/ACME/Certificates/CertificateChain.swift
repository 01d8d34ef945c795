import Foundation
import SwiftASN1
import X509

/// A downloaded PEM chain (`application/pem-certificate-chain`): the leaf first, then its issuers.
struct CertificateChain: Sendable {
    /// The chain as the CA sent it.
    let pem: String
    /// The parsed certificates, leaf first.
    let certificates: [Certificate]

    /// Parses `pem`; `url` names the download in errors.
    init(pem: String, url: String) throws(ACMEError) {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pem)
        } catch {
            throw .invalidCertificate(url, reason: "it is not PEM (\(error))")
        }
        var certificates: [Certificate] = []
        for (index, document) in documents.enumerated() where document.discriminator == "CERTIFICATE" {
            do {
                certificates.append(try Certificate(derEncoded: document.derBytes))
            } catch {
                throw .invalidCertificate(url, reason: "certificate #\(index + 1) does not parse (\(error))")
            }
        }
        guard !certificates.isEmpty else {
            throw .invalidCertificate(url, reason: "it holds no CERTIFICATE block")
        }
        self.pem = pem
        self.certificates = certificates
    }

    /// The end-entity certificate.
    var leaf: Certificate { certificates[0] }

    /// The issuer common name of the topmost certificate: the root the chain leads to, which
    /// is what `preferredchain` names (`ISRG Root X1`).
    var topIssuerCommonName: String? {
        certificates.last.flatMap { $0.issuer.commonName }
    }

    /// The issuer common name of the leaf (the intermediate that signed it).
    var leafIssuerCommonName: String? {
        leaf.issuer.commonName
    }

    /// The serial of the leaf as upper-case hex without leading zero bytes (as `openssl x509 -serial` prints it).
    var serial: String { leaf.serialNumberHex }
}

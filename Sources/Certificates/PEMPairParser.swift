import Foundation
import NIOSSL
import SwiftASN1
import X509

/// Turns certificate PEM text and private key PEM text into the parsed forms both libraries need,
/// checking that the key belongs to the leaf.
struct PEMPairParser {
    /// The chain, leaf first, as swift-certificates values.
    var certificates: [Certificate]
    /// The same chain for BoringSSL.
    var nioCertificates: [NIOSSLCertificate]
    /// The chain's `CERTIFICATE` blocks as PEM text, leaf first.
    var chainPEM: String
    /// The key, able to sign (the local CA signs with it).
    var signingKey: Certificate.PrivateKey
    /// The same key for BoringSSL.
    var nioKey: NIOSSLPrivateKey

    /// Parses and matches the pair.
    ///
    /// - Parameters:
    ///   - certificatePEM: one or more `CERTIFICATE` blocks, leaf first; other blocks are skipped.
    ///   - keyPEM: a `PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY` block (an `EC PARAMETERS`
    ///     block before it, as `openssl ecparam -genkey` writes, is skipped).
    ///   - certificateSource, keySource: how errors name the two texts, e.g. a file path.
    init(
        certificatePEM: String,
        keyPEM: String,
        certificateSource: String,
        keySource: String
    ) throws(TLSCertificateError) {
        let certificateBlocks = try Self.blocks(certificatePEM, source: certificateSource)
            .filter { $0.discriminator == "CERTIFICATE" }
        guard !certificateBlocks.isEmpty else {
            throw .noCertificate(certificateSource)
        }
        var certificates: [Certificate] = []
        var nioCertificates: [NIOSSLCertificate] = []
        for (index, block) in certificateBlocks.enumerated() {
            do {
                certificates.append(try Certificate(derEncoded: block.derBytes))
                nioCertificates.append(try NIOSSLCertificate(bytes: block.derBytes, format: .der))
            } catch {
                throw .invalidCertificate(certificateSource, index: index, reason: "\(error)")
            }
        }

        let keyBlocks = try Self.blocks(keyPEM, source: keySource)
        if keyBlocks.contains(where: { $0.discriminator == "ENCRYPTED PRIVATE KEY" })
            || keyPEM.contains("Proc-Type: 4,ENCRYPTED")
        {
            throw .encryptedPrivateKey(keySource)
        }
        guard let keyBlock = keyBlocks.first(where: { $0.discriminator.hasSuffix("PRIVATE KEY") }) else {
            throw .noPrivateKey(keySource)
        }
        let signingKey: Certificate.PrivateKey
        let nioKey: NIOSSLPrivateKey
        do {
            signingKey = try Certificate.PrivateKey(pemDocument: keyBlock)
        } catch {
            throw .invalidPrivateKey(keySource, reason: "\(error)")
        }
        do {
            nioKey = try NIOSSLPrivateKey(bytes: Array((keyBlock.pemString + "\n").utf8), format: .pem)
        } catch {
            throw .invalidPrivateKey(keySource, reason: "BoringSSL refused it: \(error)")
        }

        // Same SubjectPublicKeyInfo, byte for byte, or the key cannot prove ownership of the leaf.
        guard let keyInfo = Self.subjectPublicKeyInfo(signingKey.publicKey),
              let leafInfo = Self.subjectPublicKeyInfo(certificates[0].publicKey),
              keyInfo == leafInfo
        else {
            throw .keyMismatch(keySource: keySource, certificateSource: certificateSource)
        }

        self.certificates = certificates
        self.nioCertificates = nioCertificates
        self.chainPEM = certificateBlocks.map(\.pemString).joined(separator: "\n") + "\n"
        self.signingKey = signingKey
        self.nioKey = nioKey
    }

    private static func blocks(_ text: String, source: String) throws(TLSCertificateError) -> [PEMDocument] {
        do {
            return try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw .invalidPEM(source, reason: "\(error)")
        }
    }

    private static func subjectPublicKeyInfo(_ key: Certificate.PublicKey) -> [UInt8]? {
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(key)) != nil else { return nil }
        return serializer.serializedBytes
    }
}

import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("CertificatePair loads what openssl makes and refuses what cannot serve")
struct CertificatePairTests {
    @Test("EC P-256, EC P-384 and RSA pairs from openssl req -x509 load, with their serial and names")
    func opensslPairsLoad() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cert-pair")
        defer { folder.remove() }
        for algorithm in ["ec", "ec384", "rsa"] {
            let files = try await OpenSSL.selfSigned(in: folder, name: algorithm, keyAlgorithm: algorithm)
            let pair = try await CertificatePair.load(certificatePath: files.certificate, keyPath: files.key)
            #expect(pair.serialNumberHex == (try await OpenSSL.serial(ofCertificateIn: files.certificate)).paddedToBytes)
            #expect(pair.dnsNames == ["localhost"])
            #expect(pair.ipAddresses == ["127.0.0.1"])
            #expect(pair.subject == "CN=localhost")
            #expect(pair.issuerCommonName == "localhost")
            #expect(pair.chain.count == 1)
            #expect(pair.notBefore < Date() && Date() < pair.notAfter)
        }
    }

    @Test("a key file with an EC PARAMETERS block before the key (openssl ecparam -genkey) loads")
    func ecparamKeyLoads() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cert-pair")
        defer { folder.remove() }
        let key = folder.file("ecparam.key")
        let certificate = folder.file("ecparam.pem")
        try await OpenSSL.run(["ecparam", "-name", "prime256v1", "-genkey", "-out", key])
        try await OpenSSL.run(["req", "-x509", "-key", key, "-out", certificate, "-days", "2", "-subj", "/CN=ecparam"])
        #expect(try String(contentsOfFile: key, encoding: .utf8).hasPrefix("-----BEGIN EC PARAMETERS-----"))
        let pair = try await CertificatePair.load(certificatePath: certificate, keyPath: key)
        #expect(pair.subject == "CN=ecparam")
    }

    @Test("a full-chain file gives the whole chain, leaf first")
    func fullChainLoads() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cert-pair")
        defer { folder.remove() }
        let authority = try await OpenSSL.selfSigned(in: folder, name: "ca")
        let key = folder.file("leaf.key")
        let request = folder.file("leaf.csr")
        let leaf = folder.file("leaf.pem")
        try await OpenSSL.run([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", request, "-subj", "/CN=registry.test",
        ])
        try await OpenSSL.run([
            "x509", "-req", "-in", request, "-CA", authority.certificate, "-CAkey", authority.key,
            "-CAcreateserial", "-out", leaf, "-days", "5",
        ])
        let fullChain = folder.file("fullchain.pem")
        let text = try String(contentsOfFile: leaf, encoding: .utf8) + String(contentsOfFile: authority.certificate, encoding: .utf8)
        try text.write(toFile: fullChain, atomically: true, encoding: .utf8)

        let pair = try await CertificatePair.load(certificatePath: fullChain, keyPath: key)
        #expect(pair.chain.count == 2)
        #expect(pair.chainPEM.components(separatedBy: "-----BEGIN CERTIFICATE-----").count == 3)
        #expect(pair.chainPEM == text)
        #expect(pair.subject == "CN=registry.test")
        #expect(pair.issuerCommonName == "localhost")
        #expect(!pair.isSelfIssued)
    }

    @Test("a key from another pair is refused as a mismatch naming both files")
    func mismatchedKeyIsRefused() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cert-pair")
        defer { folder.remove() }
        let first = try await OpenSSL.selfSigned(in: folder, name: "first")
        let second = try await OpenSSL.selfSigned(in: folder, name: "second")
        let error = try await #require(throws: TLSCertificateError.self) {
            try await CertificatePair.load(certificatePath: first.certificate, keyPath: second.key)
        }
        #expect(error.kind == .keyMismatch)
        #expect(error.description.contains(second.key))
        #expect(error.description.contains(first.certificate))
        #expect(error.description.contains("does not match"))

        // RSA key against an EC certificate: a different algorithm is a mismatch too.
        let rsa = try await OpenSSL.selfSigned(in: folder, name: "rsa", keyAlgorithm: "rsa")
        let crossed = try await #require(throws: TLSCertificateError.self) {
            try await CertificatePair.load(certificatePath: first.certificate, keyPath: rsa.key)
        }
        #expect(crossed.kind == .keyMismatch)
    }

    @Test("garbage, empty and truncated PEM are refused as invalid, saying what was expected")
    func badPEMIsRefused() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cert-pair")
        defer { folder.remove() }
        let good = try await OpenSSL.selfSigned(in: folder, name: "good")
        let certificateText = try String(contentsOfFile: good.certificate, encoding: .utf8)
        let keyText = try String(contentsOfFile: good.key, encoding: .utf8)

        let garbage = try #require(throws: TLSCertificateError.self) {
            try CertificatePair.fromPEM(certificate: "this is not a certificate", key: keyText)
        }
        #expect(garbage.kind == .invalidCertificate)
        #expect(garbage.description.contains("no certificate"))

        let empty = try #require(throws: TLSCertificateError.self) {
            try CertificatePair.fromPEM(certificate: "", key: keyText)
        }
        #expect(empty.kind == .invalidCertificate)

        let truncated = String(certificateText.prefix(200))
        let truncatedError = try #require(throws: TLSCertificateError.self) {
            try CertificatePair.fromPEM(certificate: truncated, key: keyText)
        }
        #expect(truncatedError.kind == .invalidCertificate)
        #expect(truncatedError.description.contains("not valid PEM"))

        let corrupted = certificateText.replacingOccurrences(of: "\n", with: "\nAAAA", range: certificateText.range(of: "-----\n"))
        #expect(throws: TLSCertificateError.self) {
            try CertificatePair.fromPEM(certificate: corrupted, key: keyText)
        }

        let noKey = try #require(throws: TLSCertificateError.self) {
            try CertificatePair.fromPEM(certificate: certificateText, key: certificateText)
        }
        #expect(noKey.kind == .invalidPrivateKey)
        #expect(noKey.description.contains("no private key"))

        let missing = try await #require(throws: TLSCertificateError.self) {
            try await CertificatePair.load(certificatePath: folder.file("absent.pem"), keyPath: good.key)
        }
        #expect(missing.kind == .unreadableFile)
        #expect(missing.description.contains("absent.pem"))
    }

    @Test("an encrypted private key is refused with how to decrypt it")
    func encryptedKeyIsRefused() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cert-pair")
        defer { folder.remove() }
        let good = try await OpenSSL.selfSigned(in: folder, name: "good")
        let encrypted = folder.file("encrypted.key")
        try await OpenSSL.run(["pkcs8", "-topk8", "-in", good.key, "-out", encrypted, "-passout", "pass:secret"])
        let error = try await #require(throws: TLSCertificateError.self) {
            try await CertificatePair.load(certificatePath: good.certificate, keyPath: encrypted)
        }
        #expect(error.kind == .invalidPrivateKey)
        #expect(error.description.contains("encrypted"))
    }

    @Test("an expired certificate and one not valid yet are refused, saying which")
    func datesAreChecked() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-cert-pair")
        defer { folder.remove() }
        let expired = try await OpenSSL.selfSignedWithDates(
            in: folder, name: "expired", start: "20200101000000Z", end: "20200102000000Z"
        )
        let expiredError = try await #require(throws: TLSCertificateError.self) {
            try await CertificatePair.load(certificatePath: expired.certificate, keyPath: expired.key)
        }
        #expect(expiredError.kind == .expired)
        #expect(expiredError.description.contains("expired at 2020-01-02T00:00:00Z"))
        #expect(expiredError.description.contains(expired.certificate))

        let future = try await OpenSSL.selfSignedWithDates(
            in: folder, name: "future", start: "20990101000000Z", end: "20990102000000Z"
        )
        let futureError = try await #require(throws: TLSCertificateError.self) {
            try await CertificatePair.load(certificatePath: future.certificate, keyPath: future.key)
        }
        #expect(futureError.kind == .notYetValid)
        #expect(futureError.description.contains("not valid before 2099-01-01T00:00:00Z"))

        // The same files load when checked at a time inside their validity.
        let inside = try #require(ISO8601DateFormatter().date(from: "2020-01-01T12:00:00Z"))
        let pair = try await CertificatePair.load(certificatePath: expired.certificate, keyPath: expired.key, now: inside)
        #expect(pair.serialNumberHex == "01")
    }
}

extension String {
    /// openssl prints whole bytes (`0A`); `OpenSSL.normalizedSerial` drops leading zeros, so pad back.
    var paddedToBytes: String {
        count % 2 == 0 ? self : "0" + self
    }
}

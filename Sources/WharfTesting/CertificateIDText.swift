import Foundation

/// The RFC 9773 certificate identifier worked out with the `openssl` command line, apart from
/// Wharf's own code, so a test can check what Wharf asked the CA about.
public enum CertificateIDText {
    /// `base64url(AKI keyIdentifier) "." base64url(serial as a DER integer)` of a PEM certificate.
    public static func of(certificatePEM: String) async throws -> String {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let folder = try TemporaryFolder(prefix: "ari-id")
        defer { folder.remove() }
        let path = folder.file("certificate.pem")
        try certificatePEM.write(toFile: path, atomically: true, encoding: .utf8)
        let shown = try await Command.run(openssl, ["x509", "-in", path, "-noout", "-ext", "authorityKeyIdentifier", "-serial"])
        guard shown.status == 0 else { throw TestSupportError("openssl x509 failed: \(shown.stderr)") }
        let lines = shown.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let header = lines.firstIndex(where: { $0.hasPrefix("X509v3 Authority Key Identifier") }), header + 1 < lines.count,
            let serialLine = lines.first(where: { $0.hasPrefix("serial=") })
        else {
            throw TestSupportError("no Authority Key Identifier or serial in:\n\(shown.stdout)")
        }
        let keyIdentifier = bytes(hex: lines[header + 1].replacingOccurrences(of: "keyid:", with: "").replacingOccurrences(of: ":", with: ""))
        var serial = bytes(hex: String(serialLine.dropFirst("serial=".count)))
        while serial.count > 1, serial[0] == 0 { serial.removeFirst() }
        if let first = serial.first, first >= 0x80 { serial.insert(0, at: 0) }
        return base64url(keyIdentifier) + "." + base64url(serial)
    }

    /// The PEM certificate a TLS server on 127.0.0.1:`port` presents for `name`.
    public static func servedPEM(port: Int, name: String) async throws -> String {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let shown = try await Command.run("/bin/sh", ["-c", "\(openssl) s_client -connect 127.0.0.1:\(port) -servername \(name) </dev/null 2>/dev/null | \(openssl) x509"])
        guard shown.status == 0, shown.stdout.contains("BEGIN CERTIFICATE") else { throw TestSupportError("no certificate from 127.0.0.1:\(port): \(shown.stderr)") }
        return shown.stdout
    }

    private static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.count % 2 == 1 ? "0" + hex : hex)
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
    }

    private static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

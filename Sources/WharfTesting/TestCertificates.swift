import Foundation

/// Certificates for TLS tests, made with the real `openssl` command line.
public struct TestCertificateAuthority: Sendable {
    /// The CA certificate (PEM).
    public let certificatePath: String
    public let keyPath: String
    private let folder: TemporaryFolder

    /// A leaf certificate and its key.
    public struct Leaf: Sendable {
        public let certificatePath: String
        public let keyPath: String
        /// The serial as `openssl x509 -serial` prints it (upper-case hex).
        public let serial: String
    }

    /// Makes a P-256 CA in `folder` under `name`.
    public static func make(in folder: TemporaryFolder, name: String = "test-ca") async throws -> TestCertificateAuthority {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let certificate = folder.file("\(name).pem")
        let key = folder.file("\(name).key")
        let result = try await Command.run(openssl, [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", certificate, "-days", "30", "-subj", "/CN=\(name)",
        ])
        guard result.status == 0 else { throw TestSupportError("openssl could not make a CA: \(result.stderr)") }
        return TestCertificateAuthority(certificatePath: certificate, keyPath: key, folder: folder)
    }

    /// Issues a leaf for `names` (DNS names and IP addresses), for a server or a client.
    public func issue(_ file: String, names: [String] = ["localhost", "127.0.0.1"], clientAuth: Bool = false, days: Int = 30) async throws -> Leaf {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let certificate = folder.file("\(file).pem")
        let key = folder.file("\(file).key")
        let request = folder.file("\(file).csr")
        let extensions = folder.file("\(file).ext")
        let alternativeNames = names.map { $0.contains(where: \.isLetter) && !$0.contains(":") ? "DNS:\($0)" : "IP:\($0)" }
        var lines = ["subjectAltName=\(alternativeNames.joined(separator: ","))"]
        lines.append("extendedKeyUsage=\(clientAuth ? "clientAuth" : "serverAuth")")
        try lines.joined(separator: "\n").write(toFile: extensions, atomically: true, encoding: .utf8)
        let made = try await Command.run(openssl, [
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", request, "-subj", "/CN=\(names.first ?? file)",
        ])
        guard made.status == 0 else { throw TestSupportError("openssl req failed: \(made.stderr)") }
        let signed = try await Command.run(openssl, [
            "x509", "-req", "-in", request, "-CA", certificatePath, "-CAkey", keyPath, "-CAcreateserial",
            "-out", certificate, "-days", String(days), "-extfile", extensions,
        ])
        guard signed.status == 0 else { throw TestSupportError("openssl x509 -req failed: \(signed.stderr)") }
        return Leaf(certificatePath: certificate, keyPath: key, serial: try await Self.serial(ofCertificateAt: certificate))
    }

    /// The serial of a PEM certificate file.
    public static func serial(ofCertificateAt path: String) async throws -> String {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let result = try await Command.run(openssl, ["x509", "-noout", "-serial", "-in", path])
        guard result.status == 0 else { throw TestSupportError("openssl x509 -serial failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
    }

    /// The serial of the certificate a TLS server presents now (`openssl s_client`); `nil` when the handshake fails.
    public static func servedSerial(port: Int, arguments: [String] = []) async throws -> String? {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let folder = try TemporaryFolder(prefix: "s-client")
        defer { folder.remove() }
        let shown = try await Command.run(
            "/bin/sh",
            ["-c", "\(openssl) s_client -connect 127.0.0.1:\(port) -servername localhost \(arguments.joined(separator: " ")) </dev/null 2>/dev/null | \(openssl) x509 -noout -serial"]
        )
        let serial = shown.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return shown.status == 0 && serial.hasPrefix("serial=") ? String(serial.dropFirst("serial=".count)) : nil
    }
}

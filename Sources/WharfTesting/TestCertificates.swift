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

extension TestCertificateAuthority {
    /// Issues a client certificate for `name` whose validity ended yesterday (through `openssl ca`,
    /// the one command of OpenSSL 3.0 that takes explicit dates).
    public func issueExpired(_ file: String, name: String) async throws -> Leaf {
        let openssl = try Command.locate("openssl", debianPackage: "openssl")
        let directory = URL(fileURLWithPath: certificatePath).deletingLastPathComponent().path + "/\(file)-expired"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "".write(toFile: "\(directory)/index.txt", atomically: true, encoding: .utf8)
        try "1001\n".write(toFile: "\(directory)/serial.txt", atomically: true, encoding: .utf8)
        let config = """
            [ ca ]
            default_ca = CA_default
            [ CA_default ]
            database = \(directory)/index.txt
            new_certs_dir = \(directory)
            serial = \(directory)/serial.txt
            default_md = sha256
            policy = policy_any
            unique_subject = no
            [ policy_any ]
            commonName = supplied
            [ client ]
            extendedKeyUsage = clientAuth

            """
        try config.write(toFile: "\(directory)/ca.cnf", atomically: true, encoding: .utf8)
        let certificate = directory + "/client.pem"
        let key = directory + "/client.key"
        let request = directory + "/client.csr"
        let made = try await Command.run(openssl, [
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", request, "-subj", "/CN=\(name)",
        ])
        guard made.status == 0 else { throw TestSupportError("openssl req failed: \(made.stderr)") }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMddHHmmss'Z'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let signed = try await Command.run(openssl, [
            "ca", "-batch", "-config", "\(directory)/ca.cnf", "-extensions", "client", "-cert", certificatePath, "-keyfile", keyPath,
            "-in", request, "-out", certificate, "-notext",
            "-startdate", formatter.string(from: Date().addingTimeInterval(-3 * 86400)),
            "-enddate", formatter.string(from: Date().addingTimeInterval(-86400)),
        ])
        guard signed.status == 0 else { throw TestSupportError("openssl ca failed: \(signed.stderr)") }
        return Leaf(certificatePath: certificate, keyPath: key, serial: try await Self.serial(ofCertificateAt: certificate))
    }
}

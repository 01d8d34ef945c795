import Foundation
import WharfTesting

/// The `openssl` command-line tool, the independent peer these tests check Wharf's TLS against.
enum OpenSSL {
    /// The executable, or an error saying how to install it.
    static func executable() throws -> String {
        try Command.locate("openssl", debianPackage: "openssl")
    }

    /// Runs `openssl arguments...` and requires success.
    @discardableResult
    static func run(_ arguments: [String]) async throws -> ProcessResult {
        let result = try await Command.run(executable(), arguments, timeout: .seconds(60))
        guard result.succeeded else {
            throw OpenSSLFailure(arguments: arguments, result: result)
        }
        return result
    }

    /// Runs `openssl arguments...` and returns the result whatever the exit status.
    static func attempt(_ arguments: [String]) async throws -> ProcessResult {
        try await Command.run(executable(), arguments, timeout: .seconds(60))
    }

    /// `openssl req -x509`: a self-signed certificate for `localhost` and its key, in `folder`.
    ///
    /// - Parameter keyAlgorithm: `ec` (P-256), `ec384` (P-384) or `rsa` (2048 bits).
    /// - Returns: the certificate and key paths.
    static func selfSigned(
        in folder: TemporaryFolder,
        name: String,
        keyAlgorithm: String = "ec",
        extraExtensions: [String] = []
    ) async throws -> (certificate: String, key: String) {
        let certificate = folder.file("\(name).pem")
        let key = folder.file("\(name).key")
        let keyOptions: [String] = switch keyAlgorithm {
        case "rsa": ["-newkey", "rsa:2048"]
        case "ec384": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]
        default: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        }
        try await run(
            ["req", "-x509"] + keyOptions + [
                "-nodes", "-keyout", key, "-out", certificate, "-days", "30",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ] + extraExtensions.flatMap { ["-addext", $0] }
        )
        return (certificate, key)
    }

    /// `openssl ca -selfsign` with explicit dates (OpenSSL 3.0's `req` has no `-not_before`).
    ///
    /// - Parameters:
    ///   - start, end: `YYYYMMDDHHMMSSZ`.
    static func selfSignedWithDates(
        in folder: TemporaryFolder,
        name: String,
        start: String,
        end: String
    ) async throws -> (certificate: String, key: String) {
        let caFolder = try folder.folder("\(name)-ca")
        try "".write(toFile: "\(caFolder)/index.txt", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: "\(caFolder)/serial.txt", atomically: true, encoding: .utf8)
        let config = """
            [ ca ]
            default_ca = CA_default
            [ CA_default ]
            database = \(caFolder)/index.txt
            new_certs_dir = \(caFolder)
            serial = \(caFolder)/serial.txt
            default_md = sha256
            policy = policy_any
            unique_subject = no
            copy_extensions = copy
            [ policy_any ]
            commonName = supplied

            """
        try config.write(toFile: "\(caFolder)/ca.cnf", atomically: true, encoding: .utf8)
        let certificate = folder.file("\(name).pem")
        let key = folder.file("\(name).key")
        let request = folder.file("\(name).csr")
        try await run([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", request, "-subj", "/CN=localhost",
        ])
        try await run([
            "ca", "-config", "\(caFolder)/ca.cnf", "-selfsign", "-keyfile", key, "-in", request,
            "-out", certificate, "-startdate", start, "-enddate", end, "-batch", "-notext",
        ])
        return (certificate, key)
    }

    /// The serial number of the first certificate in `path`, upper-case hex as `x509 -serial` prints it.
    static func serial(ofCertificateIn path: String) async throws -> String {
        let output = try await run(["x509", "-in", path, "-noout", "-serial"]).stdout
        return normalizedSerial(output)
    }

    /// `serial=0A1B...` (or bare hex) without the prefix, surrounding space and leading zeros.
    static func normalizedSerial(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.hasPrefix("serial=") {
            value.removeFirst("serial=".count)
        }
        let trimmed = value.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }
}

import Foundation
import Testing
import WharfTesting

/// A CSR written to a temporary folder and inspected with the `openssl` command line, an
/// implementation independent of the one that built it.
struct OpenSSLRequest {
    let folder: TemporaryFolder
    let path: String

    init(der: [UInt8]) throws {
        folder = try TemporaryFolder(prefix: "acme-csr")
        path = folder.file("request.pem")
        let pem = "-----BEGIN CERTIFICATE REQUEST-----\n"
            + Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            + "\n-----END CERTIFICATE REQUEST-----\n"
        try pem.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `openssl req -verify -text`: fails the test unless the self-signature verifies.
    func text() async throws -> String {
        let result = try await Command.run("openssl", ["req", "-in", path, "-noout", "-verify", "-text"])
        #expect(result.succeeded, "openssl req -verify: \(result.stderr)")
        return result.stdout
    }

    /// The request's public key as PEM.
    func publicKey() async throws -> String {
        let result = try await Command.run("openssl", ["req", "-in", path, "-noout", "-pubkey"])
        #expect(result.succeeded, "\(result.stderr)")
        return result.stdout
    }

    /// The public key of a PEM private key, as openssl prints it.
    static func publicKey(ofPrivateKeyPEM pem: String, in folder: TemporaryFolder) async throws -> String {
        let keyPath = folder.file("key-\(UUID().uuidString).pem")
        try pem.write(toFile: keyPath, atomically: true, encoding: .utf8)
        let result = try await Command.run("openssl", ["pkey", "-in", keyPath, "-pubout"])
        #expect(result.succeeded, "\(result.stderr)")
        return result.stdout
    }
}

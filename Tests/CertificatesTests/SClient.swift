import Foundation
import WharfTesting

/// `openssl s_client` against a local TLS server: what it saw of the handshake.
struct SClient {
    /// The s_client run.
    let result: ProcessResult
    /// The serial of the certificate the server presented, nil when there was none.
    let serial: String?

    /// Whether the handshake completed and the server's greeting arrived.
    var greeted: Bool { result.stdout.contains(TestResponder.greeting) }

    /// Connects to 127.0.0.1:`port` with SNI `localhost` and reads until the server closes.
    ///
    /// - Parameters:
    ///   - extraArguments: e.g. `["-tls1_1"]`, `["-cert", path, "-key", path]`.
    ///   - folder: where the transcript is kept for `openssl x509`.
    static func connect(port: Int, extraArguments: [String] = [], folder: TemporaryFolder) async throws -> SClient {
        let result = try await OpenSSL.attempt(
            ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost", "-ign_eof"] + extraArguments
        )
        var serial: String?
        if result.stdout.contains("-----BEGIN CERTIFICATE-----") {
            let transcript = folder.file("s_client-\(UUID().uuidString).txt")
            try result.stdout.write(toFile: transcript, atomically: true, encoding: .utf8)
            serial = try await OpenSSL.serial(ofCertificateIn: transcript)
        }
        return SClient(result: result, serial: serial)
    }
}

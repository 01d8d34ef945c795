import FileIO
import Foundation
import Logging
import ServiceLifecycle

/// Reloads a certificate pair from its files when an operator (or an external ACME client such as
/// certbot) replaces them, and installs it in a ``CertificateProvider`` without a restart.
///
/// Both files are examined every ``pollInterval`` (modification time, size, inode). A change is
/// loaded once it has held still for one poll, so replacing the certificate and the key one after
/// the other is seen as one change. A pair that does not load (bad PEM, a key that does not match,
/// an expired certificate) is refused with an error log line naming the files and the reason, and
/// the current pair keeps serving; it is retried when either file changes again.
///
/// Start it right after loading the initial pair from the same files: changes made before
/// ``run()`` starts are not noticed.
public struct CertificateFileWatcher: Service {
    /// The PEM file with the chain, leaf first.
    public let certificatePath: String
    /// The PEM file with the leaf's private key.
    public let keyPath: String
    /// How often the files are examined.
    public let pollInterval: Duration

    private let provider: CertificateProvider
    private let logger: Logger

    /// Creates a watcher; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - certificatePath: the chain file.
    ///   - keyPath: the key file (may be the same file).
    ///   - provider: where a new pair is installed.
    ///   - pollInterval: how often to look; 2 seconds by default.
    ///   - logger: where installs and refusals are logged.
    public init(
        certificatePath: String,
        keyPath: String,
        provider: CertificateProvider,
        pollInterval: Duration = .seconds(2),
        logger: Logger = Logger(label: "wharf.certificates")
    ) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.provider = provider
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Polls until the task is cancelled or a graceful shutdown begins; never throws.
    public func run() async throws {
        logger.debug(
            "watching the certificate files",
            metadata: ["certificate": "\(certificatePath)", "key": "\(keyPath)", "interval": "\(pollInterval)"]
        )
        await ChangeDebouncer.poll(every: pollInterval, from: await snapshot(), current: { await snapshot() }, reload: { await reload() })
    }

    /// Loads the files and installs the pair, or logs why not.
    func reload() async {
        do {
            let pair = try await CertificatePair.load(certificatePath: certificatePath, keyPath: keyPath)
            try provider.install(pair)
        } catch {
            let serving = provider.current
            logger.error(
                """
                refused the new certificate from \(certificatePath) and \(keyPath): \(error); \
                still serving serial \(serving.serialNumberHex) (expires \(serving.notAfter.formatted(.iso8601))); \
                will retry when either file changes
                """,
                metadata: [
                    "certificate": "\(certificatePath)",
                    "key": "\(keyPath)",
                    "reason": "\(error.kind)",
                ]
            )
        }
    }

    private func snapshot() async -> FilePairSnapshot {
        await FilePairSnapshot.take(certificatePath: certificatePath, keyPath: keyPath)
    }
}

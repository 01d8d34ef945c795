import FileIO
import Logging
import Synchronization

/// The revocation file of `auth.clientcert.revoked`, loaded at start and reloaded by
/// ``RevocationListWatcher`` when it changes; every request asks ``isRevoked(_:)``.
///
/// A reload that fails (the file unreadable, removed or with a bad line) keeps the list loaded
/// before and logs why: a typo never un-revokes a certificate.
public final class ClientCertificateRevocations: Sendable {
    private struct Loaded: Sendable {
        var list: RevocationList
        /// The file as it was when last read, loaded or not.
        var attempted: FileFingerprint?
    }

    /// The revocation file.
    public let path: String
    let logger: Logger
    private let loaded: Mutex<Loaded>

    /// Loads `path`.
    ///
    /// - Throws: ``TLSCertificateError`` when the file cannot be read or has a bad line (create it
    ///   empty when nothing is revoked yet).
    public init(path: String, logger: Logger = Logger(label: "wharf.auth")) async throws(TLSCertificateError) {
        self.path = path
        self.logger = logger
        let fingerprint = await FileFingerprint.of(path)
        let list = try RevocationList(parsing: try await CertificateFiles.read(path), source: path)
        loaded = Mutex(Loaded(list: list, attempted: fingerprint))
        logger.notice("client certificate revocation list loaded", metadata: ["file": "\(path)", "entries": "\(list.count)"])
    }

    /// Whether the loaded list names `identity`.
    public func isRevoked(_ identity: ClientCertificateIdentity) -> Bool {
        loaded.withLock { $0.list.contains(identity) }
    }

    /// The list in force.
    public var list: RevocationList {
        loaded.withLock { $0.list }
    }

    /// The file as it was at the last load attempt.
    var attemptedFingerprint: FileFingerprint? {
        loaded.withLock { $0.attempted }
    }

    /// Reads the file again; on failure keeps the list in force and logs why.
    public func reload() async {
        let fingerprint = await FileFingerprint.of(path)
        do throws(TLSCertificateError) {
            let list = try RevocationList(parsing: try await CertificateFiles.read(path), source: path)
            loaded.withLock { $0 = Loaded(list: list, attempted: fingerprint) }
            logger.notice("client certificate revocation list reloaded", metadata: ["file": "\(path)", "entries": "\(list.count)"])
        } catch {
            loaded.withLock { $0.attempted = fingerprint }
            logger.error("client certificate revocation list not reloaded; the previous list stays in force", metadata: ["error": "\(error)"])
        }
    }
}

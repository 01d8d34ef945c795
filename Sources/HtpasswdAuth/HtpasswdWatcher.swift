import FileIO
import Logging
import ServiceLifecycle

/// Reloads an ``HtpasswdAuthenticator`` when its file changes; run it in the ServiceGroup.
///
/// The file is examined every ``HtpasswdSettings/pollInterval`` (modification time, size, inode,
/// following symbolic links). A change is loaded once it has held still for one poll, so a file
/// rewritten in place (as Apache's htpasswd does) is not read half-written. A change that does
/// not load keeps the previous users and logs why; it is retried when the file changes again.
public struct HtpasswdWatcher: Service {
    private let authenticator: HtpasswdAuthenticator
    /// How often the file is examined.
    public let pollInterval: Duration

    /// Creates a watcher; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - authenticator: the authenticator to reload.
    ///   - pollInterval: how often to look; the authenticator's ``HtpasswdSettings/pollInterval`` when nil.
    public init(authenticator: HtpasswdAuthenticator, pollInterval: Duration? = nil) {
        self.authenticator = authenticator
        self.pollInterval = pollInterval ?? authenticator.settings.pollInterval
    }

    /// Polls until the task is cancelled or a graceful shutdown begins; never throws.
    public func run() async throws {
        authenticator.logger.debug(
            "watching the htpasswd file",
            metadata: ["file": "\(authenticator.path)", "interval": "\(pollInterval)"]
        )
        // A reload from elsewhere (an operator's call) counts as handled too.
        await ChangeDebouncer.poll(
            every: pollInterval,
            from: authenticator.attemptedFingerprint,
            handled: { authenticator.attemptedFingerprint },
            current: { await FileFingerprint.of(authenticator.path) },
            reload: { await authenticator.reload() }
        )
    }
}

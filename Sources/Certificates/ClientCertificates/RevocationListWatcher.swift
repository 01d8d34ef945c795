import FileIO
import ServiceLifecycle

/// Reloads ``ClientCertificateRevocations`` when its file changes; run it in the ServiceGroup.
///
/// The file is examined every ``pollInterval`` (one second by default, so a revocation takes
/// effect within about two: one poll to see the change, one to see it hold still).
public struct RevocationListWatcher: Service {
    private let revocations: ClientCertificateRevocations
    /// How often the file is examined.
    public let pollInterval: Duration

    /// Creates a watcher; nothing happens until ``run()``.
    public init(revocations: ClientCertificateRevocations, pollInterval: Duration = .seconds(1)) {
        self.revocations = revocations
        self.pollInterval = pollInterval
    }

    /// Polls until the task is cancelled or a graceful shutdown begins; never throws.
    public func run() async throws {
        await ChangeDebouncer.poll(
            every: pollInterval,
            from: revocations.attemptedFingerprint,
            handled: { revocations.attemptedFingerprint },
            current: { await FileFingerprint.of(revocations.path) },
            reload: { await revocations.reload() }
        )
    }
}

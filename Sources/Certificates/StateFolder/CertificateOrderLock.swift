import Foundation

/// The lock one of several instances sharing a ``CertificateStateStore`` holds while it orders a
/// certificate, so that the CA is asked once. It names its holder and expires, so that a crashed
/// holder's lock is taken over.
public protocol CertificateOrderLock: Sendable {
    /// Where the lock is, for log lines.
    var location: String { get }
    /// Takes the lock if it is free or expired; false when another holder has it.
    func acquire(now: Date) async -> Bool
    /// Releases the lock if this holder has it.
    func release() async
}

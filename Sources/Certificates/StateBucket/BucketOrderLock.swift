import Foundation
import S3

/// The order lock of a ``CertificateStateBucket``: an ``S3Lease``, so that of two instances
/// racing for it exactly one wins, and a crashed holder's lock is taken over once it expires.
struct BucketOrderLock: CertificateOrderLock {
    let lease: S3Lease
    let location: String

    /// Host name, process id and a random part, so that two locks of one process differ too.
    static func newHolder() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// Takes the lock; false when another holder has it or the bucket cannot be reached (the
    /// caller waits and asks again).
    func acquire(now: Date) async -> Bool {
        (try? await lease.acquire(now: now)) == .acquired
    }

    func release() async {
        try? await lease.release()
    }
}

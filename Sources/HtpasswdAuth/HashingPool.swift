import NIOPosix
import Synchronization

/// The threads password hashes run on: a dedicated `NIOThreadPool` with one thread per hash
/// allowed at once, so hashing never runs on an event loop or a cooperative thread, and a flood
/// of attempts queues here instead of starving the server.
final class HashingPool: Sendable {
    private struct Usage: Sendable {
        var running = 0
        var peak = 0
        var total = 0
    }

    private let pool: NIOThreadPool
    private let usage = Mutex(Usage())

    init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// Whether `password` matches `hash`, computed on the pool; throws `CancellationError` when the
    /// task is cancelled before a thread took the work (a client that gave up costs no hash).
    func verify(password: [UInt8], against hash: String) async throws -> Bool {
        try await pool.runIfActive { [self] in
            measure { PasswordHash.verify(password: password, against: hash) }
        }
    }

    /// Runs `crypt_rn` with `setting` and throws the result away: what an unknown user costs.
    func burn(password: [UInt8], setting: String) async throws {
        try await pool.runIfActive { [self] in
            measure { _ = PasswordHash.crypt(password, setting: setting) }
        }
    }

    private func measure<T>(_ work: () -> T) -> T {
        usage.withLock { usage in
            usage.running += 1
            usage.total += 1
            usage.peak = max(usage.peak, usage.running)
        }
        defer { usage.withLock { $0.running -= 1 } }
        return work()
    }

    /// The most hashes ever computed at the same time (for tests).
    var peakConcurrency: Int { usage.withLock { $0.peak } }

    /// How many hashes were computed (for tests).
    var hashesComputed: Int { usage.withLock { $0.total } }
}

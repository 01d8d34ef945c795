import NIOCore
import NIOPosix

/// Where blocking file work runs: NIO's shared thread pool, so that neither an event loop nor
/// the cooperative thread pool waits on the disk. Every blocking call of this module goes
/// through ``run(_:)``; code elsewhere with blocking file work of its own uses it too.
public enum BlockingIO {
    /// Runs `work` on `NIOThreadPool.singleton` and returns its result.
    ///
    /// The work runs to the end even when the calling task is cancelled meanwhile: a write that
    /// was asked for is finished and a lock that was asked to be released is released, rather
    /// than skipped because the task is going away.
    public static func run<T: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () throws(Failure) -> T
    ) async throws(Failure) -> T {
        let outcome: Result<T, Failure>
        do {
            outcome = try await NIOThreadPool.singleton.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.any()) {
                Result { () throws(Failure) in try work() }
            }.get()
        } catch {
            // Only a pool that was shut down refuses work, and the singleton never is; should it
            // happen, doing the work here is better than not doing it.
            outcome = Result { () throws(Failure) in try work() }
        }
        return try outcome.get()
    }
}

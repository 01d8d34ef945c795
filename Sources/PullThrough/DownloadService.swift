import Logging
import ServiceLifecycle

/// Runs upstream blob downloads, each as a child task of this long-lived Service.
///
/// A download must outlive the client that asked first (others may be following it), so it
/// runs here rather than in a request's task. On graceful shutdown no new download starts;
/// those running finish, since clients are still reading them.
public final class DownloadService: Service, Sendable {
    typealias Job = @Sendable () async -> Void

    private let jobs: AsyncStream<Job>
    private let submit: AsyncStream<Job>.Continuation

    public init() {
        (jobs, submit) = AsyncStream.makeStream(of: Job.self)
    }

    /// Schedules a job; `false` when the service has stopped taking jobs.
    func enqueue(_ job: @escaping Job) -> Bool {
        if case .terminated = submit.yield(job) { return false }
        return true
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await job in jobs {
                    group.addTask { await job() }
                }
            }
        } onGracefulShutdown: {
            self.submit.finish()
        }
    }
}

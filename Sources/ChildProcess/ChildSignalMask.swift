import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a `Foundation.Process` so that the child does not inherit blocked signals.
///
/// On Linux, `Process.run()` spawns the child with the calling thread's signal mask, and Swift
/// concurrency's worker threads block nearly every signal, SIGTERM included
/// (swift-corelibs-foundation issue #4772): such a child ignores a polite stop. Unblocking all
/// signals on this thread for the duration of the spawn gives the child an empty mask, as a shell would.
///
/// Used by the DNS exec provider (hook scripts) and by the test peers.
public enum ChildSignalMask {
    /// Runs `process` with every signal unblocked in the child.
    public static func run(_ process: Process) throws {
        var everything = sigset_t()
        var previous = sigset_t()
        sigfillset(&everything)
        pthread_sigmask(SIG_UNBLOCK, &everything, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }
}

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
/// (swift-corelibs-foundation issue #4772): a hook script would then ignore signals, and its
/// own children (`sleep`, `curl`) could not be interrupted. Unblocking all signals on this
/// thread for the duration of the spawn gives the child an empty mask, as a shell would.
enum ChildSignalMask {
    static func run(_ process: Process) throws {
        var everything = sigset_t()
        var previous = sigset_t()
        sigfillset(&everything)
        pthread_sigmask(SIG_UNBLOCK, &everything, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }
}

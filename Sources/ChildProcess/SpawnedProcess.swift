import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, without Foundation's `Process`.
///
/// `Process.run()` on Linux reads `/proc/self/fd` with a 256-byte copy of each directory entry
/// and now and then reads past glibc's buffer into an unmapped page (SIGSEGV; fixed upstream in
/// swift-corelibs-foundation PR #5472, not in the toolchain here). A full test run crashed that
/// way, and the DNS exec provider would crash the server the same way. This spawns directly:
/// every signal unblocked and at its default in the child (Swift concurrency's threads block
/// nearly all, SIGTERM included), descriptors from 3 up closed, optionally its own process group.
public final class SpawnedProcess: Sendable {
    /// How the child ended.
    public enum Exit: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// The exit status, or the signal number when a signal ended it (as `Process.terminationStatus`).
        public var status: Int32 {
            switch self {
            case .exited(let code), .signalled(let code): code
            }
        }

        public var wasSignalled: Bool {
            if case .signalled = self { return true }
            return false
        }
    }

    /// The child's process id.
    public let pid: pid_t
    private let exit = Mutex<Exit?>(nil)

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts `executable` (an absolute path) with `arguments`.
    /// - Parameters:
    ///   - environment: the whole environment of the child.
    ///   - standardOutput, standardError: descriptors the child writes to (the caller keeps and closes them).
    ///   - directory: the child's working directory; this process's when `nil`.
    ///   - ownProcessGroup: puts the child at the head of a new process group, so all it starts can be signalled at once.
    /// - Throws: `POSIXError` when the spawn fails (ENOENT, EACCES, ETXTBSY...).
    public static func spawn(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        standardOutput: CInt,
        standardError: CInt,
        directory: String? = nil,
        ownProcessGroup: Bool = false
    ) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        // glibc 2.34+ (Debian 12 has 2.36); declared only under _GNU_SOURCE, so looked up.
        if let closeFrom = GNUSpawnActions.closeFrom { _ = closeFrom(&actions, 3) }
        if let directory {
            guard let changeDirectory = GNUSpawnActions.changeDirectory else { throw POSIXError(.ENOSYS) }
            _ = changeDirectory(&actions, directory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if ownProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        return SpawnedProcess(pid: pid)
    }

    /// Runs `spawn`, again up to five times (40-200 ms apart) while it fails with ETXTBSY: a
    /// script written just before is still open for writing in a child some other thread is
    /// forking, which lets go of it within moments.
    public static func retryingWhileTextBusy(_ spawn: () throws -> SpawnedProcess) async throws -> SpawnedProcess {
        var attempt = 0
        while true {
            do {
                return try spawn()
            } catch let error as POSIXError where error.code == .ETXTBSY && attempt < 5 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(40 * attempt))
            }
        }
    }

    /// How it ended, when it has; reaps it (non-blocking).
    public var exitIfEnded: Exit? {
        exit.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            known = Self.decode(status)
            return known
        }
    }

    public var isRunning: Bool { exitIfEnded == nil }

    /// Waits for the child to end, looking every 10 ms. Cancelling the task stops the wait (not
    /// the child) and returns `nil`.
    public func waitForExit() async -> Exit? {
        while true {
            if let ended = exitIfEnded { return ended }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                return nil
            }
        }
    }

    /// Waits for the child to end, sending it SIGKILL (with `group`, its whole process group)
    /// after `timeout` or when the task is cancelled.
    /// - Returns: how it ended, and whether the timeout had to kill it.
    public func waitForExit(killingAfter timeout: Duration, group: Bool = false) async -> (exit: Exit, timedOut: Bool) {
        await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { watchdogs in
                watchdogs.addTask {
                    guard (try? await Task.sleep(for: timeout)) != nil else { return false }
                    self.send(SIGKILL, group: group)
                    return true
                }
                // nil: this task was cancelled, and the handler below killed the child.
                let ended = await waitForExit() ?? reapAfterKill()
                watchdogs.cancelAll()
                var killed = false
                for await watchdogKilled in watchdogs where watchdogKilled {
                    killed = true
                }
                return (ended, killed)
            }
        } onCancel: {
            send(SIGKILL, group: group)
        }
    }

    /// Blocks until the child ends: only after sending it SIGKILL.
    public func reapAfterKill() -> Exit {
        if let known = exitIfEnded { return known }
        var status: Int32 = 0
        // Outside the lock, so that `send` can still deliver the kill meanwhile.
        let reaped = waitpid(pid, &status, 0)
        return exit.withLock { known in
            if let known { return known }
            let ended = reaped == pid ? Self.decode(status) : Exit.signalled(SIGKILL)
            known = ended
            return ended
        }
    }

    private static func decode(_ status: Int32) -> Exit {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Sends `signal` to the child (or, with `group`, to its whole process group) unless it has been reaped.
    public func send(_ signal: Int32, group: Bool = false) {
        guard isRunning else { return }
        kill(group ? -pid : pid, signal)
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` and `..._addchdir_np`.
private enum GNUSpawnActions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> CInt

    static let closeFrom: CloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }
    static let changeDirectory: ChangeDirectory? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: ChangeDirectory.self) }
}

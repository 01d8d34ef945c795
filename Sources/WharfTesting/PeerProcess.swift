import ChildProcess
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A long-running child process (a registry, a token service, ...) whose
/// standard output and standard error are appended to one log file.
///
/// The child is killed with SIGKILL if the `PeerProcess` is deinitialised while it still runs.
public final class PeerProcess: Sendable {
    /// A short name used in the log file's name and in error messages.
    public let name: String
    /// The absolute path of the executable.
    public let executable: String
    /// The file the child's stdout and stderr are appended to.
    public let logPath: String
    /// The child's process id.
    public let processIdentifier: Int32

    private let child: SpawnedProcess
    /// Where this child's output starts in the log file (earlier runs may have written to it).
    private let logOffset: Int

    /// Starts `executable` with `arguments` in `folder`, appending its output to `folder/<name>.log`.
    ///
    /// - Parameters:
    ///   - executable: an absolute path, or a bare name searched on `PATH`; use
    ///     ``Command/locate(_:debianPackage:)`` first for a precise install hint.
    ///   - environment: variables added to (or replacing) this process's environment.
    public init(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        in folder: TemporaryFolder,
        name: String
    ) throws {
        let path = try Command.resolve(executable)
        let logPath = folder.file("\(name).log")
        let logOffset = LogFile.size(logPath)
        let log = try LogFile.openForAppending(logPath)
        let child = try SpawnedProcess.spawn(
            path, arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment ?? [:]) { $1 },
            standardOutput: log.fileDescriptor,
            standardError: log.fileDescriptor,
            directory: folder.path,
            ownProcessGroup: true
        )

        self.name = name
        self.executable = path
        self.logPath = logPath
        self.processIdentifier = child.pid
        self.logOffset = logOffset
        self.child = child
        LiveChildren.add(child.pid)
    }

    deinit {
        child.send(SIGKILL)
        LiveChildren.remove(processIdentifier)
    }

    /// Whether the child is still running.
    public var isRunning: Bool {
        child.isRunning
    }

    /// The child's exit status (or the signal that ended it), or nil while it runs.
    public var exitStatus: Int32? {
        child.exitIfEnded?.status
    }

    /// Everything this child has written so far (not what earlier processes appended to the same file).
    public func log() -> String {
        LogFile.read(logPath, from: logOffset)
    }

    /// The last `lines` lines of the log.
    public func logTail(lines: Int = 40) -> String {
        LogFile.tail(log(), lines: lines)
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`, polling every 50 ms.
    ///
    /// - Throws: when the child exits first, or on timeout; the error carries the log's tail.
    public func waitForPort(_ port: Int, timeout: Duration = .seconds(30)) async throws {
        try await waitUntil("listening on 127.0.0.1:\(port)", timeout: timeout) {
            LoopbackSocket.accepts(port: port)
        }
    }

    /// Waits until the log contains `text`, polling every 50 ms.
    ///
    /// - Throws: when the child exits first, or on timeout; the error carries the log's tail.
    public func waitForLog(containing text: String, timeout: Duration = .seconds(30)) async throws {
        try await waitUntil("logging \"\(text)\"", timeout: timeout) {
            log().contains(text)
        }
    }

    /// Stops the child: SIGTERM, up to 5 s to exit, then SIGKILL.
    public func stop() async {
        child.send(SIGTERM)
        if await waitForExit(within: .seconds(5)) {
            LiveChildren.remove(processIdentifier)
            return
        }
        child.send(SIGKILL)
        _ = await waitForExit(within: .seconds(5))
        if !isRunning { LiveChildren.remove(processIdentifier) }
    }

    private func waitForExit(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    private func waitUntil(
        _ goal: String,
        timeout: Duration,
        condition: () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if condition() {
                return
            }
            if let status = exitStatus {
                throw TestSupportError(
                    "\(name) (\(executable)) exited with status \(status) before \(goal).\n"
                        + "Log tail (\(logPath)):\n\(logTail())"
                )
            }
            if ContinuousClock.now >= deadline {
                throw TestSupportError(
                    "\(name) (\(executable)) was not \(goal) after \(timeout).\n"
                        + "Log tail (\(logPath)):\n\(logTail())"
                )
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

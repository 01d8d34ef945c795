import ChildProcess
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs short-lived executables and finds them on this machine.
public enum Command {
    /// Runs `executable` with `arguments` and waits for it to exit.
    ///
    /// - Parameters:
    ///   - executable: an absolute path, or a bare name searched like ``locate(_:debianPackage:)`` does.
    ///   - environment: variables added to (or replacing) this process's environment; nil inherits it unchanged.
    ///   - timeout: the command is killed with SIGKILL after this long and the call throws.
    /// - Returns: the exit status and the captured output; a non-zero status is not an error.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessResult {
        let path = try resolve(executable)
        let capture = try TemporaryFolder(prefix: "wharf-command")
        defer { capture.remove() }
        let stdoutPath = capture.file("stdout")
        let stderrPath = capture.file("stderr")

        let output = try LogFile.openForAppending(stdoutPath)
        let errors = try LogFile.openForAppending(stderrPath)
        let child = try await SpawnedProcess.retryingWhileTextBusy {
            try SpawnedProcess.spawn(
                path, arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment ?? [:]) { $1 },
                standardOutput: output.fileDescriptor,
                standardError: errors.fileDescriptor,
                ownProcessGroup: true
            )
        }

        let (ended, timedOut) = await child.waitForExit(killingAfter: timeout)

        let result = ProcessResult(
            status: ended.status,
            stdout: LogFile.read(stdoutPath),
            stderr: LogFile.read(stderrPath)
        )
        let commandLine = ([path] + arguments).joined(separator: " ")
        if timedOut {
            throw TestSupportError(
                "`\(commandLine)` did not finish within \(timeout) and was killed.\n"
                    + "stdout tail:\n\(LogFile.tail(result.stdout))\nstderr tail:\n\(LogFile.tail(result.stderr))"
            )
        }
        try Task.checkCancellation()
        return result
    }

    /// Finds the executable `name` on `PATH`, in `/usr/sbin`, `/usr/bin`, `/usr/local/bin`, `/sbin` or `/bin`.
    ///
    /// - Throws: ``TestSupportError`` saying `"<name> not found: apt-get install -y <debianPackage>"`.
    public static func locate(_ name: String, debianPackage: String) throws -> String {
        if let found = search(name) {
            return found
        }
        throw TestSupportError("\(name) not found: apt-get install -y \(debianPackage)")
    }

    /// The absolute path for `executable`, which is either already a path or a name to search for.
    static func resolve(_ executable: String) throws -> String {
        if executable.contains("/") {
            guard FileManager.default.isExecutableFile(atPath: executable) else {
                throw TestSupportError("\(executable) is not an executable file")
            }
            return executable
        }
        guard let found = search(executable) else {
            throw TestSupportError(
                "\(executable) not found on PATH, /usr/sbin or /usr/bin: install the Debian package that provides it"
            )
        }
        return found
    }

    private static func search(_ name: String) -> String? {
        let fromPath = (ProcessInfo.processInfo.environment["PATH"] ?? "")
            .split(separator: ":")
            .map(String.init)
        let folders = fromPath + ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/sbin", "/bin"]
        for folder in folders where !folder.isEmpty {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}

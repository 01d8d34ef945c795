import ChildProcess
import DNS
import FileIO
import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a hook program to completion with a time limit, keeping the end of its output.
enum HookProcess {
    /// How a run ended.
    struct Outcome: Sendable {
        /// The exit status, or the signal number when ``signalled``.
        var status: Int32
        /// Whether a signal ended the program.
        var signalled: Bool
        /// The end of what it wrote to standard error.
        var stderrTail: String
        /// The end of what it wrote to standard output.
        var stdoutTail: String
    }

    /// How much of each output stream is kept.
    static let tailLength = 2_000

    /// Runs `executable` with `arguments` and extra `environment` variables.
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/hookFailed``) when it cannot start or runs longer
    ///   than `timeout` (it is then killed, with its process group when it leads one).
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        timeout: Duration,
        describing what: String
    ) async throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("wharf-hook-\(UUID().uuidString)")
        let stdoutPath = folder.appendingPathComponent("stdout").path
        let stderrPath = folder.appendingPathComponent("stderr").path
        let (output, errors) = try await BlockingIO.run {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            return (try openForWriting(stdoutPath), try openForWriting(stderrPath))
        }
        defer {
            close(output)
            close(errors)
            try? FileManager.default.removeItem(at: folder)
        }
        let fullEnvironment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let child: SpawnedProcess
        do {
            child = try await SpawnedProcess.retryingWhileTextBusy {
                try SpawnedProcess.spawn(
                    executable, arguments, environment: fullEnvironment,
                    standardOutput: output, standardError: errors, ownProcessGroup: true
                )
            }
        } catch {
            throw DNSError.hookFailed(what, "it could not be started: \(error)")
        }
        let (ended, timedOut) = await child.waitForExit(killingAfter: timeout, group: true)

        let tails = await BlockingIO.run {
            (tail(of: stdoutPath), tail(of: stderrPath))
        }
        if timedOut {
            throw DNSError.hookTimedOut(what, after: timeout)
        }
        try Task.checkCancellation()
        return Outcome(
            status: ended.status,
            signalled: ended.wasSignalled,
            stderrTail: tails.1,
            stdoutTail: tails.0
        )
    }

    private static func openForWriting(_ path: String) throws -> CInt {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DNSError.hookFailed("preparing a hook", "cannot create \(path): errno \(errno)")
        }
        return fd
    }

    private static func tail(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data.suffix(tailLength), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

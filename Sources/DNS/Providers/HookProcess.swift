import ChildProcess
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
        try FileManager.default.createDirectory(
            at: folder,
            withIntermediateDirectories: false,
            attributes: [.posixPermissions: 0o700]
        )
        defer { try? FileManager.default.removeItem(at: folder) }
        let stdoutPath = folder.appendingPathComponent("stdout").path
        let stderrPath = folder.appendingPathComponent("stderr").path

        let (exits, exited) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        var process: Process
        var attempt = 0
        while true {
            process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try openForWriting(stdoutPath)
            process.standardError = try openForWriting(stderrPath)
            process.terminationHandler = { _ in
                exited.yield()
                exited.finish()
            }
            do {
                try ChildSignalMask.run(process)
                break
            } catch where isTextFileBusy(error) && attempt < 5 {
                // ETXTBSY: a script written just now is still open for writing in a child some
                // other thread is forking; that child lets go of it within moments.
                attempt += 1
                try await Task.sleep(for: .milliseconds(40 * attempt))
            } catch {
                throw DNSError.hookFailed(what, "it could not be started: \(error)")
            }
        }
        let pid = process.processIdentifier

        let timedOut = await withTaskCancellationHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    guard (try? await Task.sleep(for: timeout)) != nil else { return false }
                    killHook(pid)
                    return true
                }
                for await _ in exits {}
                group.cancelAll()
                var killed = false
                for await watchdogKilled in group where watchdogKilled {
                    killed = true
                }
                return killed
            }
        } onCancel: {
            killHook(pid)
        }

        let tails = try await NIOThreadPool.singleton.runIfActive {
            (tail(of: stdoutPath), tail(of: stderrPath))
        }
        if timedOut {
            throw DNSError.hookTimedOut(what, after: timeout)
        }
        try Task.checkCancellation()
        return Outcome(
            status: process.terminationStatus,
            signalled: process.terminationReason == .uncaughtSignal,
            stderrTail: tails.1,
            stdoutTail: tails.0
        )
    }

    /// SIGKILL to the child's process group when it leads one (so its `sleep` or `curl` die too), else to the child.
    private static func killHook(_ pid: Int32) {
        if getpgid(pid) == pid {
            _ = kill(-pid, SIGKILL)
        } else {
            _ = kill(pid, SIGKILL)
        }
    }

    private static func openForWriting(_ path: String) throws -> FileHandle {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DNSError.hookFailed("preparing a hook", "cannot create \(path): errno \(errno)")
        }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    private static func tail(of path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data.suffix(tailLength), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Whether starting a process failed with ETXTBSY ("Text file busy").
private func isTextFileBusy(_ error: any Error) -> Bool {
    let error = error as NSError
    if error.domain == NSPOSIXErrorDomain, error.code == Int(ETXTBSY) { return true }
    guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError else { return false }
    return underlying.domain == NSPOSIXErrorDomain && underlying.code == Int(ETXTBSY)
}

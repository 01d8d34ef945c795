/// What a finished command left behind.
public struct ProcessResult: Sendable, Equatable {
    /// The exit status (for a process killed by a signal, what Foundation reports for it).
    public let status: Int32
    /// Everything the command wrote to standard output, decoded as UTF-8.
    public let stdout: String
    /// Everything the command wrote to standard error, decoded as UTF-8.
    public let stderr: String

    /// Creates a result.
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }

    /// Whether the command exited with status 0.
    public var succeeded: Bool { status == 0 }
}

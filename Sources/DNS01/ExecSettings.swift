import DNS

/// The `exec` DNS-01 provider's settings (lego's `exec` protocol, certbot's manual hooks).
public struct ExecSettings: Sendable, Hashable {
    /// The program to run (`command`): an absolute path, or a name looked up on `PATH`.
    public var command: String
    /// What the program's arguments carry (`mode`).
    public var mode: DNSHookMode
    /// How long one run may take before it is killed (`timeout`).
    public var timeout: Duration

    /// Creates settings; only `command` is required.
    public init(command: String, mode: DNSHookMode = .default, timeout: Duration = .seconds(60)) {
        self.command = command
        self.mode = mode
        self.timeout = timeout
    }
}

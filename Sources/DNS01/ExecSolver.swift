import ACME
import DNS
import Foundation
import Logging

/// The `exec` DNS-01 provider, speaking lego's `exec` protocol:
/// `COMMAND present <fqdn> <value>` and `COMMAND cleanup <fqdn> <value>`, or in `raw` mode
/// `COMMAND present -- <domain> <token> <keyAuth>`.
///
/// The program also gets `CERTBOT_DOMAIN` and `CERTBOT_VALIDATION` in its environment, so a
/// certbot manual auth hook runs unchanged. Exit status 0 is success. With `resolvers` set,
/// `present` then waits until the zone's authoritative servers (found through the resolvers)
/// or the resolvers return the value.
public struct ExecSolver: ChallengeSolver {
    /// `dns-01`.
    public let challengeType = ChallengeType.dns01

    private let executable: String
    private let mode: DNSHookMode
    private let timeout: Duration
    private let waiter: PropagationWaiter
    private let logger: Logger

    /// Checks that the command exists and is executable; nothing runs yet.
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidConfiguration``) naming the bad setting.
    public init(
        settings: ExecSettings,
        propagation: PropagationSettings = PropagationSettings(),
        client: DNSClient = DNSClient(),
        logger: Logger = Logger(label: "wharf.dns.exec")
    ) throws {
        guard settings.timeout > .zero else {
            throw DNSError.invalidSetting("timeout", "it must be above zero, e.g. 60s")
        }
        executable = try Self.resolve(settings.command)
        mode = settings.mode
        timeout = settings.timeout
        waiter = try PropagationWaiter(settings: propagation, client: client, logger: logger)
        self.logger = logger
    }

    /// Runs `COMMAND present ...`, then waits for propagation when `resolvers` are set.
    public func present(_ challenge: ChallengeProof) async throws {
        try await run("present", for: challenge)
        let value = DNS01Challenge.txtValue(for: challenge.keyAuthorization)
        try await waiter.waitAfterHook(value, at: try DNS01Challenge.recordName(of: challenge))
    }

    /// Runs `COMMAND cleanup ...`.
    public func cleanup(_ challenge: ChallengeProof) async throws {
        try await run("cleanup", for: challenge)
    }

    private func run(_ action: String, for challenge: ChallengeProof) async throws {
        let value = DNS01Challenge.txtValue(for: challenge.keyAuthorization)
        let arguments: [String]
        switch mode {
        case .default:
            arguments = [action, challenge.dnsRecordName, value]
        case .raw:
            arguments = [action, "--", challenge.domain, challenge.token, challenge.keyAuthorization]
        }
        let what = "the exec hook `\(executable) \(action) \(mode == .raw ? "-- \(challenge.domain)" : challenge.dnsRecordName)`"
        let outcome = try await HookProcess.run(
            executable,
            arguments,
            environment: ["CERTBOT_DOMAIN": challenge.domain, "CERTBOT_VALIDATION": value],
            timeout: timeout,
            describing: what
        )
        guard outcome.status == 0, !outcome.signalled else {
            let ending = outcome.signalled ? "was killed by signal \(outcome.status)" : "exited with status \(outcome.status)"
            let output = outcome.stderrTail.isEmpty ? outcome.stdoutTail : outcome.stderrTail
            let stream = outcome.stderrTail.isEmpty ? "stdout" : "stderr"
            throw DNSError.hookFailed(what, output.isEmpty ? "it \(ending)" : "it \(ending); \(stream) ends with:\n\(output)")
        }
        logger.info("DNS-01 exec hook succeeded", metadata: ["action": "\(action)", "domain": "\(challenge.domain)"])
    }

    /// The absolute path of `command`, looked up on `PATH` when it has no slash.
    private static func resolve(_ command: String) throws -> String {
        let fileManager = FileManager.default
        if command.contains("/") {
            guard fileManager.isExecutableFile(atPath: command) else {
                let problem = fileManager.fileExists(atPath: command) ? "is not executable (chmod +x it)" : "does not exist"
                throw DNSError.invalidSetting("command", "\(command) \(problem)")
            }
            return command
        }
        guard !command.isEmpty else {
            throw DNSError.invalidSetting("command", "it is empty; give the path of the hook program")
        }
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        for folder in folders {
            let candidate = "\(folder)/\(command)"
            if fileManager.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw DNSError.invalidSetting("command", "\(command) is not found on PATH; give its absolute path")
    }
}

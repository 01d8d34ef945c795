import Foundation

/// Runs the real `skopeo` client (Debian package `skopeo`).
///
/// Options such as `--src-tls-verify=false` or `--src-creds user:pass` are passed only when the
/// caller gives them. When no signature policy exists (`/etc/containers/policy.json` or
/// `~/.config/containers/policy.json`) and the caller passes neither `--policy` nor
/// `--insecure-policy`, `--insecure-policy` is added, since skopeo refuses to run without a policy.
public enum Skopeo {
    /// `skopeo copy <arguments> <source> <destination>`; a non-zero exit is returned, not thrown.
    public static func copy(
        _ source: String,
        _ destination: String,
        arguments: [String] = [],
        timeout: Duration = .seconds(300)
    ) async throws -> ProcessResult {
        try await run(["copy"] + arguments + [source, destination], timeout: timeout)
    }

    /// `skopeo inspect --raw <arguments> <reference>`: the manifest's exact bytes are the result's stdout.
    public static func inspectRaw(
        _ reference: String,
        arguments: [String] = [],
        timeout: Duration = .seconds(120)
    ) async throws -> ProcessResult {
        try await run(["inspect", "--raw"] + arguments + [reference], timeout: timeout)
    }

    /// `skopeo <arguments>` with the policy handling described on ``Skopeo``.
    public static func run(_ arguments: [String], timeout: Duration = .seconds(300)) async throws -> ProcessResult {
        let skopeo = try Command.locate("skopeo", debianPackage: "skopeo")
        return try await Command.run(skopeo, policyArguments(for: arguments) + arguments, timeout: timeout)
    }

    private static func policyArguments(for arguments: [String]) -> [String] {
        let callerChose = arguments.contains { $0 == "--insecure-policy" || $0.hasPrefix("--policy") }
        if callerChose {
            return []
        }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let policies = ["\(home)/.config/containers/policy.json", "/etc/containers/policy.json"]
        if policies.contains(where: FileManager.default.fileExists(atPath:)) {
            return []
        }
        return ["--insecure-policy"]
    }
}

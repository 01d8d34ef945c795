import ACME
import Foundation
import Logging
import Testing
import WharfTesting

@testable import DNS
@testable import DNS01

/// The exec provider running shell scripts that publish through pebble-challtestsrv with curl.
@Suite("Exec provider (lego exec, certbot hooks)")
struct ExecSolverTests {
    /// A hook that logs its arguments and CERTBOT_* variables, then applies the change with curl.
    private static func writeHook(in folder: TemporaryFolder, challtest: ChallTestServer) throws -> (script: String, log: String)
    {
        let script = folder.file("hook.sh")
        let log = folder.file("calls.log")
        let curl = try Command.locate("curl", debianPackage: "curl")
        let text = """
            #!/bin/sh
            set -eu
            printf 'args=%s\\n' "$*" >> '\(log)'
            printf 'env=%s %s\\n' "${CERTBOT_DOMAIN:-unset}" "${CERTBOT_VALIDATION:-unset}" >> '\(log)'
            if [ "$2" = "--" ]; then
                host="_acme-challenge.$CERTBOT_DOMAIN."
                value="$CERTBOT_VALIDATION"
            else
                host="$2"
                value="$3"
            fi
            case "$1" in
                present) '\(curl)' -fsS -X POST -d "{\\"host\\":\\"$host\\",\\"value\\":\\"$value\\"}" \(challtest.managementURL)/set-txt ;;
                cleanup) '\(curl)' -fsS -X POST -d "{\\"host\\":\\"$host\\"}" \(challtest.managementURL)/clear-txt ;;
                *) echo "unknown action $1" >&2; exit 2 ;;
            esac

            """
        try write(text, to: script)
        return (script, log)
    }

    private static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    private static func withFolder<Result>(_ body: (TemporaryFolder) async throws -> Result) async throws -> Result {
        let folder = try TemporaryFolder(prefix: "wharf-exec-hook")
        defer { folder.remove() }
        return try await body(folder)
    }

    @Test("default mode runs `hook present <fqdn> <value>` with CERTBOT_* set, then waits for the resolver")
    func defaultMode() async throws {
        try await ChallTestServer.with { challtest in
            try await Self.withFolder { folder in
                let hook = try Self.writeHook(in: folder, challtest: challtest)
                let solver = try ExecSolver(
                    settings: ExecSettings(command: hook.script),
                    propagation: Fixtures.propagation(resolvers: [challtest.resolver]),
                    client: Fixtures.client
                )
                let proof = try await Fixtures.presentAndCleanUp(solver, host: "mirror.example.test", txtValues: challtest.txtValues)
                let value = DNS01Challenge.txtValue(for: proof.keyAuthorization)

                let log = try String(contentsOfFile: hook.log, encoding: .utf8)
                #expect(
                    log == """
                        args=present _acme-challenge.mirror.example.test. \(value)
                        env=mirror.example.test \(value)
                        args=cleanup _acme-challenge.mirror.example.test. \(value)
                        env=mirror.example.test \(value)

                        """
                )
            }
        }
    }

    @Test("raw mode runs `hook present -- <domain> <token> <keyAuth>`")
    func rawMode() async throws {
        try await ChallTestServer.with { challtest in
            try await Self.withFolder { folder in
                let hook = try Self.writeHook(in: folder, challtest: challtest)
                let solver = try ExecSolver(
                    settings: ExecSettings(command: hook.script, mode: .raw),
                    propagation: Fixtures.propagation(resolvers: [challtest.resolver]),
                    client: Fixtures.client
                )
                let proof = Fixtures.proof("example.test", wildcard: true)
                let value = DNS01Challenge.txtValue(for: proof.keyAuthorization)
                try await solver.present(proof)
                #expect(try await challtest.txtValues("_acme-challenge.example.test") == [value])
                try await solver.cleanup(proof)

                let log = try String(contentsOfFile: hook.log, encoding: .utf8)
                #expect(
                    log.contains(
                        "args=present -- example.test \(proof.token) \(proof.keyAuthorization)\nenv=example.test \(value)\n"
                    )
                )
                #expect(log.contains("args=cleanup -- example.test \(proof.token) \(proof.keyAuthorization)\n"))
            }
        }
    }

    @Test("a non-zero exit is an error with the status and the end of stderr")
    func failingHook() async throws {
        try await Self.withFolder { folder in
            let script = folder.file("fail.sh")
            try Self.write(
                "#!/bin/sh\necho 'starting' >&2\necho 'zone example.test is locked by another change' >&2\nexit 3\n",
                to: script
            )
            let solver = try ExecSolver(settings: ExecSettings(command: script), client: Fixtures.client)
            let error = try await #require(throws: DNSError.self) {
                try await solver.present(Fixtures.proof("example.test"))
            }
            #expect(error.kind == .hookFailed)
            #expect(error.description.contains("exited with status 3"))
            #expect(error.description.hasSuffix("starting\nzone example.test is locked by another change"))
        }
    }

    @Test("a hook running past its timeout is killed and reported")
    func slowHook() async throws {
        try await Self.withFolder { folder in
            let script = folder.file("slow.sh")
            try Self.write("#!/bin/sh\nsleep 30\n", to: script)
            let solver = try ExecSolver(
                settings: ExecSettings(command: script, timeout: .milliseconds(500)),
                client: Fixtures.client
            )
            let start = ContinuousClock.now
            let error = try await #require(throws: DNSError.self) {
                try await solver.present(Fixtures.proof("example.test"))
            }
            // Under the hook's own 30 s: it was killed, not waited for (a loaded run took 24.6 s).
            #expect(ContinuousClock.now - start < .seconds(29))
            #expect(error.kind == .hookFailed)
            #expect(error.description.contains("did not finish within"))
            #expect(error.description.contains("`timeout`"))
        }
    }

    @Test("a command that does not exist or cannot run is refused up front")
    func missingCommand() throws {
        let missing = #expect(throws: DNSError.self) {
            try ExecSolver(settings: ExecSettings(command: "/nonexistent/wharf-hook"))
        }
        #expect(missing?.kind == .invalidConfiguration)
        #expect(missing?.description.contains("does not exist") == true)
        let notOnPath = #expect(throws: DNSError.self) {
            try ExecSolver(settings: ExecSettings(command: "wharf-no-such-hook"))
        }
        #expect(notOnPath?.description.contains("PATH") == true)
    }
}

/// Whom the webhook and exec providers' propagation check asks.
@Suite("Propagation check of the hook providers")
struct HookPropagationTests {
    @Test("through a resolver that answers SOA and NS queries, the check asks the zone's authoritative servers")
    func authoritativeThroughResolver() async throws {
        try await BindPeer.with { bind in
            let waiter = try PropagationWaiter(
                settings: Fixtures.propagation(resolvers: [bind.nameserver]),
                client: Fixtures.client,
                logger: Logger(label: "test")
            )
            let plan = await waiter.hookPlan(for: try DNSName("_acme-challenge.delegate.example.test"))
            #expect(plan.name == (try DNSName("delegate.challenges.test")))
            #expect(
                plan.targets == [
                    CheckTarget(label: "ns.challenges.test.", addresses: [try DNSServerAddress(parsing: bind.nameserver)])
                ]
            )
            #expect(!plan.recursionDesired)
        }
    }

    @Test("through pebble-challtestsrv, which answers NOTIMP to SOA, the check asks the resolver itself")
    func resolverItself() async throws {
        try await ChallTestServer.with { challtest in
            let waiter = try PropagationWaiter(
                settings: Fixtures.propagation(resolvers: [challtest.resolver]),
                client: Fixtures.client,
                logger: Logger(label: "test")
            )
            let plan = await waiter.hookPlan(for: try DNSName("_acme-challenge.mirror.example.test"))
            #expect(plan.name == (try DNSName("_acme-challenge.mirror.example.test")))
            #expect(plan.targets.map(\.label) == [challtest.resolver])
            #expect(plan.recursionDesired)
        }
    }

    @Test("an nsupdate hook script publishing to BIND passes the check against the zone's servers")
    func nsupdateHook() async throws {
        let nsupdate = try Command.locate("nsupdate", debianPackage: "bind9-dnsutils")
        try await BindPeer.with { bind in
            let script = bind.folder.file("nsupdate-hook.sh")
            let text = """
                #!/bin/sh
                set -eu
                case "$1" in
                    present) change="add $2 60 TXT \\"$3\\"" ;;
                    cleanup) change="delete $2 TXT \\"$3\\"" ;;
                esac
                printf 'server 127.0.0.1 \(bind.port)\\nupdate %s\\nsend\\n' "$change" | '\(nsupdate)' -k '\(bind.keyFile)'

                """
            try text.write(toFile: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
            let solver = try ExecSolver(
                settings: ExecSettings(command: script),
                propagation: Fixtures.propagation(resolvers: [bind.nameserver]),
                client: Fixtures.client
            )
            try await Fixtures.presentAndCleanUp(solver, host: "mirror.example.test", bind: bind)
        }
    }
}

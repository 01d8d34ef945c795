import ACME
import ArgumentParser
import Certificates
import Foundation
import Logging
import WharfServer

/// `wharf cert status` and `wharf cert renew`.
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Certificates Wharf obtains with ACME.",
        subcommands: [Status.self, Renew.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print each certificate: names, issuer, validity, days left, next renewal, last error.")
        @Option(name: .shortAndLong, help: "The configuration file Wharf serves with.") var config: String?

        func run() async throws {
            let (configuration, acme) = try acmeSettings(config)
            try await configuration.withCertificateState(acme) { state in
                try await show(state: state, acme: acme)
            }
        }

        private func show(state: OpenedCertificateState, acme: WharfConfiguration.ACMESettings) async throws {
            let store = state.store
            let name = CertificateStateFolder.certificateName(for: acme.hosts)
            let metadata = try? await store.loadMetadata(name: name)
            print("certificate \(name)")
            print("  names:        \(acme.hosts.joined(separator: ", "))")
            print("  directory:    \(acme.directoryURL)")
            print("  stored in:    \(state.location)")
            guard let stored = try? await store.loadCertificate(name: name),
                let pair = try? CertificatePair.fromPEM(certificate: stored.chainPEM, key: stored.privateKeyPEM, now: stored.metadata.notBefore ?? Date())
            else {
                print("  state:        none issued yet (a temporary self-signed certificate serves)")
                if let error = metadata?.lastError { print("  last error:   \(error) (\(metadata?.lastErrorAt.map { "\($0)" } ?? "?"))") }
                return
            }
            let left = pair.notAfter.timeIntervalSinceNow / 86400
            // The CA may suggest its own window (ARI): ask it as the server does, quietly, as the
            // output says what came of it.
            let quiet = Logger(label: "wharf.cert") { _ in SwiftLogNoOpLogHandler() }
            let client = ACMEClient(directoryURL: acme.directoryURL, caBundlePath: acme.caBundle, accountStore: store, logger: quiet)
            let plan = await RenewalPlanner(client: client, logger: quiet).plan(for: pair).plan
            print("  issuer:       \(pair.issuerCommonName ?? "?")")
            print("  serial:       \(pair.serialNumberHex)")
            print("  not before:   \(pair.notBefore)")
            print("  not after:    \(pair.notAfter)")
            print("  days left:    \(String(format: "%.1f", left))")
            if let challenge = stored.metadata.challenge { print("  challenge:    \(challenge) (tried first at the next renewal)") }
            switch plan.basis {
            case .lifetime:
                print("  next renewal: \(plan.renewAt) (by the lifetime rule, jitter included; the server draws its own)")
            case .window(let window):
                print("  next renewal: in the CA's window \(window.start) to \(window.end) (the server draws its own moment inside it)")
            }
            if let error = metadata?.lastError { print("  last error:   \(error) (\(metadata?.lastErrorAt.map { "\($0)" } ?? "?"))") }
        }
    }

    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the running server to renew now (with --force even when not due); it looks within 2 seconds."
        )
        @Option(name: .shortAndLong, help: "The configuration file Wharf serves with.") var config: String?
        @Flag(help: "Renew even if the certificate is not due.") var force = false

        func run() async throws {
            let (configuration, acme) = try acmeSettings(config)
            try await configuration.withCertificateState(acme) { state in
                try await state.store.requestRenewal(force ? .force : .ifDue)
                print("renewal requested in the certificate state (\(state.location)); the server's log shows the result")
            }
        }
    }
}

/// The configuration and its ACME settings, or exit 2 when it has none.
private func acmeSettings(_ path: String?) throws -> (WharfConfiguration, WharfConfiguration.ACMESettings) {
    let loaded = try loadConfiguration(path)
    guard let acme = loaded.configuration.acme else {
        FileHandle.standardError.write(Data("wharf: this configuration obtains no certificates with ACME (http.tls.letsencrypt.hosts)\n".utf8))
        throw ExitCode(2)
    }
    return (loaded.configuration, acme)
}

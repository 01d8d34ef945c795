import ArgumentParser
import Certificates
import Foundation
import WharfServer

/// `wharf client-cert issue` and `wharf client-cert list`.
struct ClientCertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-cert",
        abstract: "Client certificates for auth.clientcert.",
        subcommands: [Issue.self, List.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a client certificate and write it in the layouts Docker, containerd and podman/skopeo read."
        )
        @Argument(help: "The client's name: the certificate's subject CN, shown in Wharf's request log.") var name: String
        @Option(help: "Days the certificate is valid.") var days = 365
        @Option(help: "Where to write the files (docker/, containers/, containerd/ below it).") var out: String?
        @Option(help: "The CA certificate to sign with (default: Wharf's local CA in the state folder).") var caCert: String?
        @Option(help: "The CA key to sign with, with --ca-cert.") var caKey: String?
        @Option(help: "The mirror as clients name it, HOST:PORT (default: from http.host).") var host: String?
        @Option(help: "The CA of Wharf's server certificate, written as ca.crt (default: the local CA when Wharf serves from it).") var serverCa: String?
        @Option(name: .shortAndLong, help: "The configuration file Wharf serves with (for the state folder and http.host).") var config: String?

        func run() async throws {
            let configuration = try loadConfiguration(config).configuration
            guard let host = host ?? Self.host(of: configuration) else {
                throw ValidationError("give --host HOST:PORT, the mirror's address as clients name it (or set http.host)")
            }
            guard (caCert == nil) == (caKey == nil) else { throw ValidationError("give both --ca-cert and --ca-key, or neither") }
            guard out != nil || !(name.contains("/") || name.hasPrefix(".")) else {
                throw ValidationError("\(String(reflecting: name)) cannot name a folder: give --out DIR")
            }
            do throws(TLSCertificateError) {
                try ClientCertificateIssuer.check(name: name, days: days)
                let local = LocalCertificateAuthority(folder: configuration.stateFolder)
                let authority: CertificatePair
                if let caCert, let caKey {
                    authority = try await ClientCertificateIssuer.loadAuthority(certificatePath: caCert, keyPath: caKey)
                } else {
                    authority = try await local.ensureAuthority()
                }
                let issued = try ClientCertificateIssuer(authority: authority).issue(name: name, days: days)
                let serverCAPath: String?
                if let serverCa {
                    serverCAPath = serverCa
                } else if case .localAuthority? = configuration.http.tls?.source {
                    serverCAPath = local.caCertificatePath
                } else {
                    serverCAPath = nil
                }
                let folder = out ?? "client-certs/\(name)"
                let written = try await ClientCertificateLayout.write(issued, host: host, serverCAPath: serverCAPath, to: folder)
                try await IssuedClientCertificates.append(
                    .init(issued, issuer: authority.subject, issuedAt: Date()),
                    stateFolder: configuration.stateFolder
                )
                print("issued \(issued.identity.name): serial \(issued.identity.serialHex), valid until \(issued.notAfter.formatted(.iso8601))")
                print("  sha256 \(issued.identity.fingerprint)")
                if caCert == nil { print("  signed by Wharf's local CA: list \(local.caCertificatePath) in auth.clientcert.cas") }
                for file in written { print("  \(folder)/\(file)") }
                print("  copy docker/certs.d/\(host) to /etc/docker/certs.d/, containers/certs.d/\(host) to /etc/containers/certs.d/,")
                print("  containerd/certs.d/* to containerd's config_path (e.g. /etc/containerd/certs.d/)")
            } catch {
                FileHandle.standardError.write(Data("wharf: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }

        /// `host[:port]` of http.host, when set.
        static func host(of configuration: WharfConfiguration) -> String? {
            guard let external = configuration.http.externalURL, let url = URL(string: external), let host = url.host else { return nil }
            return url.port.map { "\(host):\($0)" } ?? host
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List issued client certificates: name, serial, expiry, revoked.")
        @Option(name: .shortAndLong, help: "The configuration file Wharf serves with (state folder, auth.clientcert.revoked).") var config: String?

        func run() async throws {
            let configuration = try loadConfiguration(config).configuration
            do throws(TLSCertificateError) {
                let records = try await IssuedClientCertificates.load(stateFolder: configuration.stateFolder)
                var revoked = RevocationList()
                if let path = configuration.clientCertificates?.revoked {
                    revoked = try await ClientCertificateRevocations(path: path).list
                }
                print(["NAME", "SERIAL", "NOT AFTER", "STATE"].joined(separator: "\t"))
                for record in records {
                    let state = revoked.contains(serial: record.serial, fingerprint: record.fingerprint)
                        ? "revoked" : record.notAfter < Date() ? "expired" : "valid"
                    print([record.name, record.serial, record.notAfter.formatted(.iso8601), state].joined(separator: "\t"))
                }
            } catch {
                FileHandle.standardError.write(Data("wharf: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

import Foundation

/// Writes the `config.yml` of a distribution 2.8 registry (`docker-registry serve`).
struct DockerRegistryConfig: Sendable {
    var port: Int
    var rootDirectory: String
    var httpSecret: String
    var proxyRemoteURL: String?
    var htpasswdPath: String?
    var tokenAuth: TokenAuthSettings?

    /// The YAML text. Log level info keeps the per-request access log lines.
    func yaml() -> String {
        var lines = [
            "version: 0.1",
            "log:",
            "  level: info",
            "storage:",
            "  filesystem:",
            "    rootdirectory: \(quoted(rootDirectory))",
            "  delete:",
            "    enabled: true",
            "http:",
            "  addr: 127.0.0.1:\(port)",
            "  secret: \(quoted(httpSecret))",
        ]
        if let proxyRemoteURL {
            lines += ["proxy:", "  remoteurl: \(quoted(proxyRemoteURL))"]
        }
        if let htpasswdPath {
            lines += [
                "auth:",
                "  htpasswd:",
                "    realm: basic-realm",
                "    path: \(quoted(htpasswdPath))",
            ]
        }
        if let tokenAuth {
            lines += [
                "auth:",
                "  token:",
                "    realm: \(quoted(tokenAuth.realm))",
                "    service: \(quoted(tokenAuth.service))",
                "    issuer: \(quoted(tokenAuth.issuer))",
                "    rootcertbundle: \(quoted(tokenAuth.rootCertBundle))",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar.
    private func quoted(_ value: String) -> String {
        let escaped = value
            .replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}

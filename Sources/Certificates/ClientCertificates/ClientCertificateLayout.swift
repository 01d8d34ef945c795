/// Writes an issued client certificate in the folder layout each client reads, under one folder:
///
///     DIR/docker/certs.d/HOST/{ca.crt,client.cert,client.key}       -> /etc/docker/certs.d/
///     DIR/containers/certs.d/HOST/{ca.crt,client.cert,client.key}   -> /etc/containers/certs.d/ (podman, skopeo, buildah)
///     DIR/containerd/certs.d/HOST/{hosts.toml,ca.crt,client.cert,client.key}  -> containerd's config_path
///     DIR/containerd/certs.d/docker.io/hosts.toml                    Docker Hub through the mirror, same pair
///
/// Keys are written 0600, folders 0700. `ca.crt` is the CA that signed Wharf's server certificate
/// when it is known (the local CA by default); without it the clients trust their system roots.
public enum ClientCertificateLayout {
    /// The files written, relative to the output folder.
    public static func write(
        _ issued: ClientCertificateIssuer.Issued,
        host: String,
        serverCAPath: String?,
        to folder: String
    ) async throws(TLSCertificateError) -> [String] {
        var serverCAPEM: String?
        if let serverCAPath { serverCAPEM = try await CertificateFiles.read(serverCAPath) }
        var written: [String] = []
        for tree in ["docker/certs.d", "containers/certs.d", "containerd/certs.d"] {
            let hostFolder = "\(tree)/\(host)"
            try await CertificateFiles.makeFolder("\(folder)/\(hostFolder)", mode: 0o700)
            if let serverCAPEM {
                try await CertificateFiles.write(serverCAPEM, to: "\(folder)/\(hostFolder)/ca.crt", mode: 0o644)
                written.append("\(hostFolder)/ca.crt")
            }
            try await CertificateFiles.write(issued.certificatePEM, to: "\(folder)/\(hostFolder)/client.cert", mode: 0o644)
            try await CertificateFiles.write(issued.keyPEM, to: "\(folder)/\(hostFolder)/client.key", mode: 0o600)
            written += ["\(hostFolder)/client.cert", "\(hostFolder)/client.key"]
        }
        let direct = hostsTOML(server: "https://\(host)", host: host, files: "", hasCA: serverCAPEM != nil)
        try await CertificateFiles.write(direct, to: "\(folder)/containerd/certs.d/\(host)/hosts.toml", mode: 0o644)
        try await CertificateFiles.makeFolder("\(folder)/containerd/certs.d/docker.io", mode: 0o700)
        let hub = hostsTOML(server: "https://registry-1.docker.io", host: host, files: "../\(host)/", hasCA: serverCAPEM != nil)
        try await CertificateFiles.write(hub, to: "\(folder)/containerd/certs.d/docker.io/hosts.toml", mode: 0o644)
        written += ["containerd/certs.d/\(host)/hosts.toml", "containerd/certs.d/docker.io/hosts.toml"]
        return written
    }

    /// A containerd `hosts.toml` sending pulls to Wharf at `host` with the client pair; relative
    /// paths are taken from the file's folder by containerd.
    static func hostsTOML(server: String, host: String, files: String, hasCA: Bool) -> String {
        var lines = [
            "# Written by wharf client-cert issue.",
            "server = \"\(server)\"",
            "",
            "[host.\"https://\(host)\"]",
            "  capabilities = [\"pull\", \"resolve\"]",
        ]
        if hasCA { lines.append("  ca = \"\(files)ca.crt\"") }
        lines.append("  client = [[\"\(files)client.cert\", \"\(files)client.key\"]]")
        return lines.joined(separator: "\n") + "\n"
    }
}

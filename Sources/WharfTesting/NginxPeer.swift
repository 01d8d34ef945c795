import Foundation

/// A real nginx (Debian package `nginx`) on 127.0.0.1 as a round-robin load balancer in front
/// of several backends, with an access log naming the backend of each request.
public final class NginxPeer: Sendable {
    public let port: Int
    public let folder: TemporaryFolder
    private let process: PeerProcess

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }
    /// `127.0.0.1:PORT`.
    public var hostPort: String { "127.0.0.1:\(port)" }

    /// Starts nginx balancing over `backends` (`host:port` each), unbuffered both ways.
    public static func start(backends: [String]) async throws -> NginxPeer {
        try await startProxy(prefix: "wharf-nginx") { folder, port in
            proxyBlock(folder: folder, port: port, to: "http://wharf", upstreams: "upstream wharf { \(backends.map { "server \($0);" }.joined(separator: " ")) }")
        }
    }

    /// Starts nginx terminating TLS with `certificate`/`key` (PEM files) in front of one plain
    /// HTTP `backend` (`host:port`), unbuffered both ways, the Host header passed on unchanged
    /// (so that a SigV4 signature over it still holds).
    public static func startTLS(backend: String, certificate: String, key: String) async throws -> NginxPeer {
        try await startProxy(prefix: "wharf-nginx-tls") { folder, port in
            proxyBlock(folder: folder, port: port, to: "http://\(backend)", tls: (certificate, key))
        }
    }

    /// Runs nginx with the `http` block `config` makes for its folder and port.
    private static func startProxy(prefix: String, _ config: (TemporaryFolder, Int) -> String) async throws -> NginxPeer {
        let executable = try Command.locate("nginx", debianPackage: "nginx")
        let folder = try TemporaryFolder(prefix: prefix)
        let port = try FreePort.make()
        return try await launch(executable, config: config(folder, port), folder: folder, port: port)
    }

    /// An `http` block passing every request on 127.0.0.1:`port` to `target`, unbuffered both
    /// ways with the Host header unchanged, its access log naming the backend of each request.
    private static func proxyBlock(folder: TemporaryFolder, port: Int, to target: String, upstreams: String = "", tls: (certificate: String, key: String)? = nil) -> String {
        let listen = tls.map { "listen 127.0.0.1:\(port) ssl;\n    ssl_certificate \($0.certificate);\n    ssl_certificate_key \($0.key);" } ?? "listen 127.0.0.1:\(port);"
        return """
            http {
              log_format balanced '$request_method $request_uri $status $upstream_addr';
              access_log \(folder.file("access.log")) balanced;
              client_body_temp_path \(folder.path)/body;
              proxy_temp_path \(folder.path)/proxy;
              fastcgi_temp_path \(folder.path)/fastcgi;
              uwsgi_temp_path \(folder.path)/uwsgi;
              scgi_temp_path \(folder.path)/scgi;
              \(upstreams)
              server {
                \(listen)
                client_max_body_size 0;
                location / {
                  proxy_pass \(target);
                  proxy_buffering off;
                  proxy_request_buffering off;
                  proxy_http_version 1.1;
                  proxy_set_header Host $http_host;
                }
              }
            }
            """
    }

    /// Runs nginx from `folder` with `config` (its `http` or `stream` block, after `preamble`
    /// lines such as `load_module`) under one worker, its pid and error log in `folder`.
    static func launch(_ executable: String, preamble: String = "", config: String, folder: TemporaryFolder, port: Int) async throws -> NginxPeer {
        let whole = """
            \(preamble)
            worker_processes 1;
            pid \(folder.file("nginx.pid"));
            error_log \(folder.file("error.log")) info;
            events { worker_connections 256; }
            \(config)
            """
        try whole.write(toFile: folder.file("nginx.conf"), atomically: true, encoding: .utf8)
        let process = try PeerProcess(executable, ["-c", folder.file("nginx.conf"), "-p", folder.path, "-g", "daemon off;"], in: folder, name: "nginx")
        try await process.waitForPort(port)
        return NginxPeer(port: port, folder: folder, process: process)
    }

    private init(port: Int, folder: TemporaryFolder, process: PeerProcess) {
        self.port = port
        self.folder = folder
        self.process = process
    }

    /// The backends (`host:port`) that answered requests whose URI contains `uriContains`.
    public func backends(uriContains: String) -> [String] {
        LogFile.read(folder.file("access.log")).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 4, fields[1].contains(uriContains) else { return nil }
            return String(fields[3])
        }
    }

    public func stop() async {
        await process.stop()
        folder.remove()
    }
}

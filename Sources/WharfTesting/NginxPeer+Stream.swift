import Foundation

extension NginxPeer {
    /// The module nginx's `stream` block needs (Debian package `libnginx-mod-stream`).
    static let streamModule = "/usr/lib/nginx/modules/ngx_stream_module.so"

    /// Starts nginx balancing TCP connections round-robin over `backends` (`host:port` each),
    /// passing TLS through untouched, with an access log naming the backend of each connection.
    public static func startStream(backends: [String]) async throws -> NginxPeer {
        let executable = try Command.locate("nginx", debianPackage: "nginx")
        guard FileManager.default.fileExists(atPath: streamModule) else {
            throw TestSupportError("nginx's stream module (\(streamModule)) is missing: run scripts/test, or `apt-get install libnginx-mod-stream`")
        }
        let folder = try TemporaryFolder(prefix: "wharf-nginx-stream")
        let port = try FreePort.make()
        let config = """
            stream {
              log_format balanced '$remote_addr $upstream_addr';
              access_log \(folder.file("access.log")) balanced;
              # max_fails=0: a backend that refused a connection (not listening yet) is still
              # tried for the next one, rather than skipped for 10 s.
              upstream wharf { \(backends.map { "server \($0) max_fails=0;" }.joined(separator: " ")) }
              server {
                listen 127.0.0.1:\(port);
                proxy_pass wharf;
              }
            }
            """
        return try await launch(executable, preamble: "load_module \(streamModule);", config: config, folder: folder, port: port)
    }

    /// The backend (`host:port`) of each connection a ``startStream(backends:)`` nginx passed on, in order.
    public func streamBackends() -> [String] {
        LogFile.read(folder.file("access.log")).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count >= 2 ? String(fields[1]) : nil
        }
    }
}

import Foundation
import Synchronization

/// A real distribution 2.8 registry (`docker-registry serve`) on 127.0.0.1, as the upstream
/// Wharf pulls from or, with `proxyRemoteURL`, as the pull-through cache Wharf is measured against.
///
/// Its access log (Apache combined format, one line per request) is kept in `<name>.log`
/// across restarts, so tests can count the requests it served with ``requestCount(method:pathContains:)``.
public final class DockerRegistryPeer: Sendable {
    /// The name used for the config, log and default storage folder.
    public let name: String
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The storage root (filesystem driver).
    public let rootDirectory: String
    /// The `config.yml` the registry was started with.
    public let configPath: String
    /// The log file (stdout and stderr of every run).
    public let logPath: String

    private let folder: TemporaryFolder
    private let executable: String
    private let process: Mutex<PeerProcess?>

    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// `127.0.0.1:PORT`, the host part of a `docker://` reference.
    public var hostAndPort: String { "127.0.0.1:\(port)" }

    /// Writes a config and starts `docker-registry serve` on a kernel-picked port, waiting until it listens.
    ///
    /// - Parameters:
    ///   - folder: where `<name>.yml`, `<name>.log` and (by default) `<name>-storage/` go.
    ///   - rootDirectory: the storage root; share one between two peers to seed a registry that requires auth.
    ///   - proxyRemoteURL: makes this registry a pull-through cache of that URL.
    ///   - htpasswdPath: requires Basic auth checked against this htpasswd file (bcrypt entries).
    ///   - tokenAuth: requires Bearer tokens from a token service (see ``TokenServiceStandIn``).
    /// - Throws: when `docker-registry` is missing (with the apt-get command), when both auth kinds are
    ///   given, or when it does not start (with its log's tail).
    public static func start(
        in folder: TemporaryFolder,
        name: String = "upstream",
        rootDirectory: String? = nil,
        proxyRemoteURL: String? = nil,
        htpasswdPath: String? = nil,
        tokenAuth: TokenAuthSettings? = nil
    ) async throws -> DockerRegistryPeer {
        let executable = try Command.locate("docker-registry", debianPackage: "docker-registry")
        if htpasswdPath != nil && tokenAuth != nil {
            throw TestSupportError("docker-registry accepts one auth provider: give htpasswdPath or tokenAuth, not both")
        }
        let storage = rootDirectory ?? folder.file("\(name)-storage")
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)

        var attempt = 1
        while true {
            let config = DockerRegistryConfig(
                port: try FreePort.make(),
                rootDirectory: storage,
                httpSecret: UUID().uuidString,
                proxyRemoteURL: proxyRemoteURL,
                htpasswdPath: htpasswdPath,
                tokenAuth: tokenAuth
            )
            let peer = try DockerRegistryPeer(folder: folder, name: name, executable: executable, config: config)
            do {
                try await peer.launch()
                return peer
            } catch {
                // Another process may have taken the port between FreePort.make() and the bind.
                let lostPort = peer.lastRunLog().contains("address already in use")
                await peer.stop()
                guard lostPort, attempt < 3 else { throw error }
                attempt += 1
            }
        }
    }

    private init(folder: TemporaryFolder, name: String, executable: String, config: DockerRegistryConfig) throws {
        self.folder = folder
        self.name = name
        self.executable = executable
        self.port = config.port
        self.rootDirectory = config.rootDirectory
        self.configPath = folder.file("\(name).yml")
        self.logPath = folder.file("\(name).log")
        self.process = Mutex(nil)
        try config.yaml().write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Whether the registry process is running.
    public var isRunning: Bool {
        process.withLock { $0?.isRunning ?? false }
    }

    /// The request lines of the access log, oldest first, over all runs of this peer.
    public func accessLog() -> [String] {
        accessLogEntries().map(\.line)
    }

    /// The parsed access log, oldest first, over all runs of this peer.
    public func accessLogEntries() -> [AccessLogEntry] {
        LogFile.read(logPath)
            .split(separator: "\n")
            .compactMap { AccessLogEntry(line: String($0)) }
    }

    /// How many requests with `method` whose path contains `pathContains` the registry has answered,
    /// e.g. `requestCount(method: "GET", pathContains: layer.digest)` counts fetches of one blob.
    ///
    /// The registry writes a line after it has sent the response, so a client may see the response
    /// a moment before the line appears; see ``waitForRequestCount(method:pathContains:atLeast:timeout:)``.
    public func requestCount(method: String, pathContains: String) -> Int {
        accessLogEntries().count { $0.method == method && $0.path.contains(pathContains) }
    }

    /// Waits until ``requestCount(method:pathContains:)`` reaches `atLeast` and returns the count then.
    ///
    /// - Throws: on timeout, with the access log's tail.
    public func waitForRequestCount(
        method: String,
        pathContains: String,
        atLeast: Int,
        timeout: Duration = .seconds(5)
    ) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while true {
            let count = requestCount(method: method, pathContains: pathContains)
            if count >= atLeast {
                return count
            }
            if ContinuousClock.now >= deadline {
                throw TestSupportError(
                    "\(name) logged \(count) \(method) requests for paths containing \(pathContains), "
                        + "wanted at least \(atLeast) within \(timeout).\nAccess log tail:\n"
                        + accessLog().suffix(20).joined(separator: "\n")
                )
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the registry (SIGTERM, then SIGKILL after 5 s). The storage and the log stay.
    public func stop() async {
        let running = process.withLock { $0 }
        await running?.stop()
    }

    /// Stops the registry if it runs and starts it again on the same port with the same storage.
    public func restart() async throws {
        await stop()
        try await launch()
    }

    private func launch() async throws {
        let child = try PeerProcess(executable, ["serve", configPath], in: folder, name: name)
        process.withLock { $0 = child }
        try await child.waitForPort(port)
        // The port may belong to someone else; the registry says when it is its own.
        try await child.waitForLog(containing: "listening on 127.0.0.1:\(port)")
    }

    private func lastRunLog() -> String {
        process.withLock { $0?.log() ?? "" }
    }
}

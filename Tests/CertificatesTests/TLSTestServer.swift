import NIOCore
import NIOPosix
import NIOSSL
import WharfTesting

/// A minimal TLS server on 127.0.0.1 and a kernel-picked port, built from a `TLSConfiguration`
/// the way Wharf's listener is: one `NIOSSLContext` for the server's life.
struct TLSTestServer: Sendable {
    let channel: any Channel
    let port: Int

    static func start(configuration: TLSConfiguration, mode: TestResponder.Mode = .greetAndClose) async throws -> TLSTestServer {
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(TestResponder(mode: mode))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            throw TestSupportError("the test TLS server has no local port")
        }
        return TLSTestServer(channel: channel, port: port)
    }

    func stop() async throws {
        try await channel.close()
    }
}

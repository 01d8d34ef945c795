import NIOCore
import NIOPosix

/// `getaddrinfo` on threads of its own.
///
/// A lookup of a name no server answers for can block for many seconds (the system
/// resolver's timeouts and retries). On the shared pool that every file read and write uses
/// (``FileIO/BlockingIO``), two such lookups would stall blob reads and state writes; here
/// they only wait for each other.
enum NameResolution {
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        return pool
    }()

    /// The address `host` resolves to, with `port`.
    static func resolve(_ host: String, port: Int) async throws -> SocketAddress {
        try await pool.runIfActive {
            try SocketAddress.makeAddressResolvingHost(host, port: port)
        }
    }
}

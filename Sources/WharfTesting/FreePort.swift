#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asks the kernel for a free TCP port on 127.0.0.1.
public enum FreePort {
    /// Binds a socket to 127.0.0.1:0, reads the port the kernel picked, and closes the socket.
    ///
    /// Another process may take the port before the caller binds it; peers that
    /// must be told their port up front (docker-registry) retry on a bind failure.
    public static func make() throws -> Int {
        let fd = try LoopbackSocket.open()
        defer { close(fd) }
        var address = LoopbackSocket.address(port: 0)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            throw TestSupportError("bind(127.0.0.1:0) failed: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getsockname(fd, $0, &length)
            }
        }
        guard named == 0 else {
            throw TestSupportError("getsockname failed: errno \(errno)")
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

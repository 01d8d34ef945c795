#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Asks the kernel for a free TCP port on 127.0.0.1.
public enum FreePort {
    /// Every port handed out in this test run: the kernel may offer a closed port again, and
    /// two tests running side by side must not be told the same one (a full-suite run saw a
    /// Wharf fail to bind a plain port another test had been given too).
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port the kernel says is free and that this run has not handed out before.
    ///
    /// Another process may take the port before the caller binds it; peers that
    /// must be told their port up front (docker-registry) retry on a bind failure.
    public static func make() throws -> Int {
        for _ in 0..<100 {
            let port = try kernelPick()
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw TestSupportError("the kernel kept offering ports this test run has handed out already")
    }

    /// Binds a socket to 127.0.0.1:0, reads the port the kernel picked, and closes the socket.
    private static func kernelPick() throws -> Int {
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

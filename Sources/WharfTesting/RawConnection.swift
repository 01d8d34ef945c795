import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to 127.0.0.1 driven byte by byte, as a misbehaving client drives it: slow
/// headers, never reading, or just holding the socket open.
public final class RawConnection {
    private var descriptor: Int32

    /// Connects to 127.0.0.1:`port` from the loopback address `source` (any of 127.0.0.0/8).
    /// - Parameter receiveBuffer: a small kernel receive buffer, so that not reading stalls the sender soon.
    public init(port: Int, from source: String = "127.0.0.1", receiveBuffer: Int32? = nil) throws {
        descriptor = try LoopbackSocket.open()
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, source, &local.sin_addr) == 1 else { throw TestSupportError("not an IPv4 address: \(source)") }
        var remote = LoopbackSocket.address(port: port)
        let bound = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let connected = withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, connected == 0 else {
            let error = errno
            Glibc.close(descriptor)
            throw TestSupportError("connecting from \(source) to 127.0.0.1:\(port) failed: errno \(error)")
        }
    }

    deinit { close() }

    /// Sends `text`; false when the peer has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        guard descriptor >= 0 else { return false }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Whether the peer has closed (or reset) the connection, without reading or waiting.
    public var isClosedByPeer: Bool {
        guard descriptor >= 0 else { return true }
        var byte: UInt8 = 0
        let got = recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if got == 0 { return true }
        return got < 0 && errno != EAGAIN && errno != EWOULDBLOCK
    }

    /// Reads at most `limit` bytes, waiting up to `timeout` for each; returns the bytes read
    /// and whether the peer ended the connection (end of stream or reset).
    public func read(upTo limit: Int, timeout: Duration = .seconds(10)) -> (bytes: [UInt8], ended: Bool) {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        while collected.count < limit {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, milliseconds) > 0 else { return (collected, false) }
            let got = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, min($0.count, limit - collected.count), 0) }
            if got <= 0 { return (collected, true) }
            collected += buffer[0..<got]
        }
        return (collected, false)
    }

    public func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }
}

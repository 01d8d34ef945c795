import NIOCore
import NIOEmbedded
import NIOSSL

/// ClientHellos for the parser's tests: real ones written by BoringSSL (through swift-nio-ssl's
/// client handler on an in-memory channel), and hand-built ones for shapes BoringSSL never sends.
enum ClientHelloBytes {
    /// The first flight BoringSSL sends for `serverName` offering `protocols`: one record holding the ClientHello.
    static func real(serverName: String?, protocols: [String]) throws -> [UInt8] {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = protocols
        let context = try NIOSSLContext(configuration: configuration)
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverName))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 443)).wait()
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    /// `message` (a whole handshake message) cut into handshake records of at most `size` bytes each.
    static func records(_ message: [UInt8], size: Int) -> [UInt8] {
        var out: [UInt8] = []
        var offset = 0
        while offset < message.count {
            let chunk = message[offset..<min(offset + size, message.count)]
            out += [22, 3, 1, UInt8(chunk.count >> 8), UInt8(chunk.count & 0xff)] + chunk
            offset += chunk.count
        }
        return out
    }

    /// The handshake message inside a single-record flight such as ``real(serverName:protocols:)``'s.
    static func message(ofRecord record: [UInt8]) -> [UInt8] {
        let length = Int(record[3]) << 8 | Int(record[4])
        return Array(record[5..<(5 + length)])
    }

    /// A ClientHello handshake message with exactly these extensions (type, data), built by hand.
    static func message(extensions: [(UInt16, [UInt8])]) -> [UInt8] {
        var body: [UInt8] = [3, 3] + [UInt8](repeating: 7, count: 32) + [0] + [0, 2, 0x13, 0x01] + [1, 0]
        var encoded: [UInt8] = []
        for (type, data) in extensions {
            encoded += be16(Int(type)) + be16(data.count) + data
        }
        body += be16(encoded.count) + encoded
        return [1, 0, UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body
    }

    /// The server_name extension's data for one host_name.
    static func serverNameExtension(_ name: [UInt8]) -> [UInt8] {
        let entry: [UInt8] = [0] + be16(name.count) + name
        return be16(entry.count) + entry
    }

    /// The ALPN extension's data for `protocols`.
    static func alpnExtension(_ protocols: [[UInt8]]) -> [UInt8] {
        let list = protocols.flatMap { [UInt8($0.count)] + $0 }
        return be16(list.count) + list
    }

    static func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }
}

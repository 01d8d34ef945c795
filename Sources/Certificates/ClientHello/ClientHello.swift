/// What a TLS ClientHello asks for before any certificate is chosen: the server name (SNI) and
/// the application protocols offered (ALPN, extension 16).
///
/// ``parse(_:)`` reads the first bytes a client sends on a connection, which may carry the
/// ClientHello over several TLS records. It never traps on any input: this is the function a fuzz
/// target calls.
///
/// ```swift
/// switch ClientHello.parse(bufferedBytes) {
/// case .incomplete: break                      // read more, within ClientHello.maximumBufferedBytes
/// case .hello(let hello): route(hello.serverName, hello.applicationProtocols)
/// case .notClientHello: passThrough()          // the TLS stack answers it with an alert
/// }
/// ```
public struct ClientHello: Sendable, Hashable {
    /// The `host_name` of the server_name extension, lower-cased; `nil` without one.
    public var serverName: String?
    /// The ALPN protocol names, in the client's order; empty without the extension.
    public var applicationProtocols: [String]

    /// A ClientHello's summary.
    public init(serverName: String?, applicationProtocols: [String]) {
        self.serverName = serverName
        self.applicationProtocols = applicationProtocols
    }

    /// The largest ClientHello handshake message read (real ones, post-quantum key shares included,
    /// stay under 4 KiB).
    public static let maximumMessageLength = 16_384

    /// The most bytes a caller buffers while ``parse(_:)`` answers ``Parse/incomplete``: the
    /// message split into many small records costs five header bytes per record.
    public static let maximumBufferedBytes = 2 * maximumMessageLength

    /// The outcome of reading the first bytes of a connection.
    public enum Parse: Sendable, Hashable {
        /// The bytes so far are a valid beginning; more are needed.
        case incomplete
        /// A whole ClientHello was read.
        case hello(ClientHello)
        /// The bytes are not (or not the beginning of) a ClientHello this parser accepts.
        case notClientHello(reason: String)
    }

    /// Reads the ClientHello at the start of `bytes` (the first bytes received on a connection).
    ///
    /// Bytes after the ClientHello are ignored. More than ``maximumBufferedBytes`` bytes without a
    /// whole ClientHello, a message longer than ``maximumMessageLength``, a record that is not a
    /// handshake record and any malformed field all give ``Parse/notClientHello(reason:)``.
    public static func parse(_ bytes: some Collection<UInt8>) -> Parse {
        let input = Array(bytes)
        var message: [UInt8] = []
        var offset = 0
        while true {
            guard input.count - offset >= 5 else { return incompleteOrTooLong(input) }
            let contentType = input[offset]
            let majorVersion = input[offset + 1]
            let length = Int(input[offset + 3]) << 8 | Int(input[offset + 4])
            guard contentType == 22 else { return .notClientHello(reason: "the first record is not a handshake record (content type \(contentType))") }
            guard majorVersion == 3 else { return .notClientHello(reason: "the record version \(majorVersion).\(input[offset + 2]) is not TLS") }
            guard length > 0, length <= 16_384 else { return .notClientHello(reason: "a handshake record of \(length) bytes") }
            guard input.count - offset - 5 >= length else { return incompleteOrTooLong(input) }
            message += input[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            if message.count >= 4 {
                guard message[0] == 1 else { return .notClientHello(reason: "the first handshake message is of type \(message[0]), not ClientHello") }
                let messageLength = Int(message[1]) << 16 | Int(message[2]) << 8 | Int(message[3])
                guard messageLength <= maximumMessageLength else {
                    return .notClientHello(reason: "a ClientHello of \(messageLength) bytes, over \(maximumMessageLength)")
                }
                if message.count >= 4 + messageLength {
                    return body(message[4..<(4 + messageLength)])
                }
            }
            guard offset < maximumBufferedBytes else { return .notClientHello(reason: "no whole ClientHello in \(maximumBufferedBytes) bytes") }
        }
    }

    private static func incompleteOrTooLong(_ input: [UInt8]) -> Parse {
        input.count < maximumBufferedBytes ? .incomplete : .notClientHello(reason: "no whole ClientHello in \(maximumBufferedBytes) bytes")
    }

    /// The ClientHello body (RFC 8446 §4.1.2; TLS 1.2's is the same up to the extensions).
    private static func body(_ bytes: ArraySlice<UInt8>) -> Parse {
        var reader = ClientHelloReader(bytes)
        do throws(ClientHelloReader.Malformed) {
            _ = try reader.take(2 + 32)   // legacy_version, random
            _ = try reader.vector(lengthBytes: 1, maximum: 32)   // legacy_session_id
            let cipherSuites = try reader.vector(lengthBytes: 2)
            guard cipherSuites.count >= 2, cipherSuites.count.isMultiple(of: 2) else { throw ClientHelloReader.Malformed("cipher_suites of \(cipherSuites.count) bytes") }
            guard try !reader.vector(lengthBytes: 1).isEmpty else { throw ClientHelloReader.Malformed("no compression method") }
            var hello = ClientHello(serverName: nil, applicationProtocols: [])
            guard !reader.isAtEnd else { return .hello(hello) }
            var extensions = ClientHelloReader(try reader.vector(lengthBytes: 2))
            guard reader.isAtEnd else { throw ClientHelloReader.Malformed("bytes after the extensions") }
            var seen: Set<Int> = []
            while !extensions.isAtEnd {
                let type = try extensions.number(bytes: 2)
                var data = ClientHelloReader(try extensions.vector(lengthBytes: 2))
                guard seen.insert(type).inserted else { throw ClientHelloReader.Malformed("extension \(type) twice") }
                switch type {
                case 0: hello.serverName = try serverName(&data)
                case 16: hello.applicationProtocols = try applicationProtocols(&data)
                default: continue
                }
            }
            return .hello(hello)
        } catch {
            return .notClientHello(reason: "a malformed ClientHello: \(error.reason)")
        }
    }

    /// server_name (RFC 6066 §3): the first `host_name` entry.
    private static func serverName(_ data: inout ClientHelloReader) throws(ClientHelloReader.Malformed) -> String? {
        var list = ClientHelloReader(try data.vector(lengthBytes: 2))
        guard data.isAtEnd, !list.isAtEnd else { throw .init("a server_name extension of the wrong shape") }
        var name: String?
        while !list.isAtEnd {
            let nameType = try list.number(bytes: 1)
            let value = try list.vector(lengthBytes: 2)
            guard nameType == 0, name == nil else { continue }
            let allowed = value.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x61...0x7a).contains(byte | 0x20) || byte == 0x2d || byte == 0x2e || byte == 0x5f
            }
            guard !value.isEmpty, value.count <= 253, allowed else { throw .init("a host_name that is not a DNS name") }
            name = String(decoding: value, as: UTF8.self).lowercased()
        }
        return name
    }

    /// application_layer_protocol_negotiation (RFC 7301 §3.1).
    private static func applicationProtocols(_ data: inout ClientHelloReader) throws(ClientHelloReader.Malformed) -> [String] {
        var list = ClientHelloReader(try data.vector(lengthBytes: 2))
        guard data.isAtEnd, !list.isAtEnd else { throw .init("an ALPN extension of the wrong shape") }
        var protocols: [String] = []
        while !list.isAtEnd {
            let name = try list.vector(lengthBytes: 1)
            guard !name.isEmpty else { throw .init("an empty ALPN protocol name") }
            protocols.append(String(decoding: name, as: UTF8.self))
        }
        return protocols
    }
}

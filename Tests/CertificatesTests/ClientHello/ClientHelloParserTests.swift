import Certificates
import Testing
import WharfTesting

@Suite("ClientHello.parse reads SNI and ALPN from the first bytes of a TLS connection")
struct ClientHelloParserTests {
    let acme = Array("acme-tls/1".utf8)

    @Test("a real BoringSSL ClientHello: its server name and its ALPN list, in order")
    func realHello() throws {
        let bytes = try ClientHelloBytes.real(serverName: "Mirror.Example.Test", protocols: ["acme-tls/1"])
        #expect(ClientHello.parse(bytes) == .hello(ClientHello(serverName: "mirror.example.test", applicationProtocols: ["acme-tls/1"])))
        let ordinary = try ClientHelloBytes.real(serverName: "mirror.example.test", protocols: ["h2", "http/1.1"])
        #expect(ClientHello.parse(ordinary) == .hello(ClientHello(serverName: "mirror.example.test", applicationProtocols: ["h2", "http/1.1"])))
        let bare = try ClientHelloBytes.real(serverName: nil, protocols: [])
        #expect(ClientHello.parse(bare) == .hello(ClientHello(serverName: nil, applicationProtocols: [])))
    }

    @Test("a ClientHello split over many records, records of 1 to 300 bytes, reads the same")
    func fragmentedOverRecords() throws {
        let record = try ClientHelloBytes.real(serverName: "1.0.0.127.in-addr.arpa", protocols: ["acme-tls/1"])
        let message = ClientHelloBytes.message(ofRecord: record)
        let expected = ClientHello.Parse.hello(ClientHello(serverName: "1.0.0.127.in-addr.arpa", applicationProtocols: ["acme-tls/1"]))
        for size in [1, 2, 3, 4, 5, 17, 100, 300] {
            #expect(ClientHello.parse(ClientHelloBytes.records(message, size: size)) == expected, "records of \(size) bytes")
        }
    }

    @Test("every truncation of a ClientHello, in one record or over several, asks for more bytes and never yields a hello")
    func truncated() throws {
        let record = try ClientHelloBytes.real(serverName: "mirror.example.test", protocols: ["acme-tls/1"])
        let split = ClientHelloBytes.records(ClientHelloBytes.message(ofRecord: record), size: 50)
        for bytes in [record, split] {
            for end in 0..<bytes.count {
                #expect(ClientHello.parse(bytes[..<end]) == .incomplete, "a prefix of \(end) of \(bytes.count) bytes")
            }
            #expect(ClientHello.parse(bytes + [23, 3, 3, 0, 1, 0]) == ClientHello.parse(bytes), "bytes after the hello are ignored")
        }
    }

    @Test("oversized: a message announcing more than the limit, and a hello dribbled in records past the buffer bound, are refused")
    func oversized() {
        let huge: [UInt8] = [22, 3, 1, 0, 4, 1, 0x01, 0x00, 0x00]
        #expect(ClientHello.parse(huge).isRefused)
        let big = ClientHelloBytes.message(extensions: [(0xfff0, [UInt8](repeating: 0, count: 12_000))])
        let dribbled = ClientHelloBytes.records(big, size: 1)
        #expect(ClientHello.parse(dribbled).isRefused, "over \(ClientHello.maximumBufferedBytes) buffered bytes without a whole hello")
        #expect(ClientHello.parse(dribbled.prefix(ClientHello.maximumBufferedBytes + 5)).isRefused)
        #expect(ClientHello.parse(ClientHelloBytes.records(big, size: 16_000)) != .incomplete, "a big hello in few records is read")
        let record: [UInt8] = [22, 3, 1, 0x40, 0x01] + [UInt8](repeating: 0, count: 16_385)
        #expect(ClientHello.parse(record).isRefused, "a record longer than TLS allows")
    }

    @Test("malformed input of each kind is refused, never a crash")
    func malformed() {
        let good = ClientHelloBytes.message(extensions: [(0, ClientHelloBytes.serverNameExtension(Array("a.test".utf8))), (16, ClientHelloBytes.alpnExtension([acme]))])
        #expect(ClientHello.parse(ClientHelloBytes.records(good, size: 1000)) == .hello(ClientHello(serverName: "a.test", applicationProtocols: ["acme-tls/1"])))
        let cases: [(String, [UInt8])] = [
            ("plain HTTP", Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)),
            ("an SSLv2 hello", [0x80, 0x2e, 0x01, 0x00, 0x02] + [UInt8](repeating: 0, count: 40)),
            ("a zero-length record", [22, 3, 1, 0, 0]),
            ("not TLS's record version", [22, 2, 0, 0, 4, 1, 0, 0, 0]),
            ("a ServerHello", ClientHelloBytes.records([2, 0, 0, 0], size: 100)),
            ("an empty hello body", ClientHelloBytes.records([1, 0, 0, 0], size: 100)),
            ("extension twice", ClientHelloBytes.records(ClientHelloBytes.message(extensions: [(16, ClientHelloBytes.alpnExtension([acme])), (16, ClientHelloBytes.alpnExtension([acme]))]), size: 1000)),
            ("an empty ALPN name", ClientHelloBytes.records(ClientHelloBytes.message(extensions: [(16, ClientHelloBytes.alpnExtension([[]]))]), size: 1000)),
            ("an empty ALPN list", ClientHelloBytes.records(ClientHelloBytes.message(extensions: [(16, [0, 0])]), size: 1000)),
            ("an ALPN name running past its list", ClientHelloBytes.records(ClientHelloBytes.message(extensions: [(16, [0, 2, 9, 0x61])]), size: 1000)),
            ("a host_name with a NUL", ClientHelloBytes.records(ClientHelloBytes.message(extensions: [(0, ClientHelloBytes.serverNameExtension([0x61, 0, 0x62]))]), size: 1000)),
            ("a host_name with a slash", ClientHelloBytes.records(ClientHelloBytes.message(extensions: [(0, ClientHelloBytes.serverNameExtension(Array("a/b".utf8)))]), size: 1000)),
            ("bytes after the ALPN list", ClientHelloBytes.records(ClientHelloBytes.message(extensions: [(16, ClientHelloBytes.alpnExtension([acme]) + [0])]), size: 1000)),
            ("a hello shorter than its fields", ClientHelloBytes.records(Array(good.prefix(20)).replacingLength(), size: 1000)),
        ]
        for (what, bytes) in cases {
            #expect(ClientHello.parse(bytes).isRefused, "\(what)")
        }
    }

    @Test("fuzz: 20,000 seeded mutations of real and built ClientHellos and random bytes; any hello read is well-formed and stable")
    func fuzz() throws {
        var random = SeededRandom(seed: 0x18A1_F0C5)
        let seeds = [
            try ClientHelloBytes.real(serverName: "mirror.example.test", protocols: ["acme-tls/1"]),
            try ClientHelloBytes.real(serverName: "1.0.0.127.in-addr.arpa", protocols: ["h2", "http/1.1"]),
            ClientHelloBytes.records(ClientHelloBytes.message(ofRecord: try ClientHelloBytes.real(serverName: "a.test", protocols: ["acme-tls/1"])), size: 7),
        ]
        var hellos = 0
        var refused = 0
        for round in 0..<20_000 {
            var bytes = seeds[round % seeds.count]
            switch random.next() % 5 {
            case 0:   // flip some bits
                for _ in 0...(random.next() % 8) { bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 << (random.next() % 8)) }
            case 1:   // overwrite a byte with an edge value
                bytes[Int(random.next() % UInt64(bytes.count))] = [0, 0xff, 0x7f, 0x80, 1][Int(random.next() % 5)]
            case 2:   // cut
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            case 3:   // insert random bytes
                let at = Int(random.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: (0..<(random.next() % 16)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            default:  // random bytes behind a plausible record header
                bytes = [22, 3, UInt8(random.next() % 5)] + (0..<(random.next() % 600)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            }
            let result = ClientHello.parse(bytes)
            switch result {
            case .hello(let hello):
                hellos += 1
                let name = hello.serverName ?? "a"
                #expect(name.utf8.count <= 253 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }, "\(bytes)")
                #expect(!hello.applicationProtocols.contains(""), "\(bytes)")
                #expect(ClientHello.parse(bytes + [0xde, 0xad]) == result, "bytes after a hello never change it: \(bytes)")
            case .notClientHello:
                refused += 1
            case .incomplete:
                #expect(bytes.count < ClientHello.maximumBufferedBytes)
            }
        }
        #expect(hellos > 100 && refused > 100, "the mutations reach both outcomes: \(hellos) hellos, \(refused) refused")
    }
}

extension ClientHello.Parse {
    var isRefused: Bool {
        if case .notClientHello = self { true } else { false }
    }
}

extension [UInt8] {
    /// A handshake message whose 24-bit length is set to what follows the header.
    func replacingLength() -> [UInt8] {
        var copy = self
        let length = count - 4
        copy[1] = UInt8(length >> 16 & 0xff)
        copy[2] = UInt8(length >> 8 & 0xff)
        copy[3] = UInt8(length & 0xff)
        return copy
    }
}

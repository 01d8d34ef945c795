import Testing
import WharfTesting

@testable import DNS

/// Decoding hostile bytes: every outcome is a message or a ``DNSError``, never a crash or a hang.
@Suite("Decoding malformed messages")
struct FuzzDecodingTests {
    /// A real-looking answer: compressed names, SOA, NS, A, AAAA, CNAME, multi-string TXT, OPT and TSIG.
    static func sample() throws -> [UInt8] {
        let zone = try DNSName("example.test")
        let name = try DNSName("_acme-challenge.example.test")
        var header = DNSHeader(id: 0x1234, opcode: .query, recursionDesired: true)
        header.isResponse = true
        header.isAuthoritative = true
        let message = DNSMessage(
            header: header,
            questions: [DNSQuestion(name: name, type: .txt)],
            answers: [
                DNSRecord(name: name, type: .txt, ttl: 60, data: .txt([Array("first".utf8), Array("second".utf8)])),
                DNSRecord(name: name, type: .cname, ttl: 60, data: .name(try DNSName("alias.example.test"))),
            ],
            authorities: [
                DNSRecord(
                    name: zone,
                    type: .soa,
                    ttl: 60,
                    data: .soa(
                        SOAData(
                            primary: try DNSName("ns.example.test"),
                            responsible: try DNSName("admin.example.test"),
                            serial: 1,
                            refresh: 60,
                            retry: 60,
                            expire: 600,
                            minimum: 60
                        )
                    )
                ),
                DNSRecord(name: zone, type: .ns, ttl: 60, data: .name(try DNSName("ns.example.test"))),
            ],
            additionals: [
                DNSRecord(
                    name: try DNSName("ns.example.test"),
                    type: .a,
                    ttl: 60,
                    data: .address(try DNSAddress(parsing: "127.0.0.1"))
                ),
                DNSRecord(
                    name: try DNSName("ns.example.test"),
                    type: .aaaa,
                    ttl: 60,
                    data: .address(try DNSAddress(parsing: "::1"))
                ),
                DNSRecord(
                    name: .root,
                    type: .opt,
                    recordClass: DNSClass(rawValue: 1232),
                    ttl: 0,
                    data: .opaque([0, 10, 0, 2, 1, 2])
                ),
                DNSRecord(
                    name: try DNSName("acme-key"),
                    type: .tsig,
                    recordClass: .any,
                    ttl: 0,
                    data: .tsig(
                        TSIGData(
                            algorithm: TSIGAlgorithm.hmacSHA256.name,
                            timeSigned: 1_700_000_000,
                            fudge: 300,
                            mac: Array(repeating: 7, count: 32),
                            originalID: 0x1234
                        )
                    )
                ),
            ]
        )
        return try message.encoded()
    }

    /// Decodes and re-encodes whatever decodes; only ``DNSError`` may be thrown.
    private static func survive(_ bytes: [UInt8]) -> Bool {
        do {
            let message = try DNSMessage(decoding: bytes)
            // Whatever decodes must also encode and decode to the same message.
            let again = try DNSMessage(decoding: try message.encoded())
            return again == message
        } catch is DNSError {
            return true
        } catch {
            return false
        }
    }

    @Test("the sample decodes, and re-encodes to the same bytes")
    func sampleRoundTrip() throws {
        let bytes = try Self.sample()
        let message = try DNSMessage(decoding: bytes)
        #expect(try message.encoded() == bytes)
        #expect(message.answers.first?.data.text == "firstsecond")
        #expect(message.tsig?.data.mac == Array(repeating: 7, count: 32))
    }

    @Test("every truncation of a real message is an error, never a crash")
    func truncations() throws {
        let bytes = try Self.sample()
        for length in 0..<bytes.count {
            #expect(throws: DNSError.self) { try DNSMessage(decoding: Array(bytes.prefix(length))) }
        }
    }

    @Test("20,000 seeded mutations of a real message decode or fail cleanly")
    func mutations() async throws {
        let original = try Self.sample()
        var random = SeededRandom(seed: 0x5EED_D0D0)
        var failures = 0
        for round in 0..<20_000 {
            // Leave the (two-thread) cooperative pool to the tests that wait on real peers now and then.
            if round % 500 == 0 {
                await Task.yield()
            }
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                case 1:
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                case 2:
                    // A compression pointer anywhere, to anywhere.
                    let at = Int.random(in: 0..<(bytes.count - 1), using: &random)
                    bytes[at] = 0xC0 | UInt8.random(in: 0...1, using: &random)
                    bytes[at + 1] = UInt8.random(in: 0...255, using: &random)
                default:
                    bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &random)))
                    if bytes.count < 2 { bytes = original }
                }
            }
            if !Self.survive(bytes) {
                failures += 1
            }
        }
        #expect(failures == 0)
    }

    @Test("20,000 seeded random packets decode or fail cleanly")
    func randomPackets() async {
        var random = SeededRandom(seed: 42)
        var failures = 0
        for round in 0..<20_000 {
            if round % 500 == 0 {
                await Task.yield()
            }
            let length = Int.random(in: 0...600, using: &random)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            if bytes.count >= 12 {
                // Small counts, so that the decoder gets past the header more often.
                for index in 4..<12 where index % 2 == 0 {
                    bytes[index] = 0
                    bytes[index + 1] %= 4
                }
            }
            if !Self.survive(bytes) {
                failures += 1
            }
        }
        #expect(failures == 0)
    }

    @Test("a pointer to itself, a forward pointer and a two-pointer loop are errors")
    func pointerLoops() {
        let header: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]
        let selfLoop = header + [0xC0, 12, 0, 16, 0, 1]
        let forward = header + [0xC0, 14, 0, 0, 16, 0, 1]
        let twoStep = header + [1, 0x61, 0xC0, 16, 0xC0, 12, 0, 16, 0, 1]
        for bytes in [selfLoop, forward, twoStep] {
            let error = #expect(throws: DNSError.self) { try DNSMessage(decoding: bytes) }
            #expect(error?.kind == .malformedMessage)
            #expect(error?.description.contains("pointer") == true)
        }
    }

    @Test("huge counts in the header are refused before anything is allocated")
    func hugeCounts() {
        let bytes: [UInt8] = [0, 1, 0x81, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0]
        let error = #expect(throws: DNSError.self) { try DNSMessage(decoding: bytes) }
        #expect(error?.description.contains("announces") == true)
    }

    @Test("a record whose RDATA length passes the end, or leaves bytes over, is an error")
    func rdataLengths() throws {
        let header: [UInt8] = [0, 1, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0]
        let record: [UInt8] = [0, 0, 1, 0, 1, 0, 0, 0, 60]
        #expect(throws: DNSError.self) { try DNSMessage(decoding: header + record + [0, 5, 127, 0, 0, 1]) }
        #expect(throws: DNSError.self) { try DNSMessage(decoding: header + record + [0, 4, 127, 0, 0]) }
        let txtHeader = header + [0, 0, 16, 0, 1, 0, 0, 0, 60]
        #expect(throws: DNSError.self) { try DNSMessage(decoding: txtHeader + [0, 3, 5, 0x61, 0x62]) }
        let fine = try DNSMessage(decoding: header + record + [0, 4, 127, 0, 0, 1])
        #expect(fine.answers.first?.data == .address(try DNSAddress(parsing: "127.0.0.1")))
    }
}

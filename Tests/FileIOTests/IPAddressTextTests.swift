import FileIO
import Testing

@Suite("IPAddressText converts addresses between text and bytes")
struct IPAddressTextTests {
    @Test("IPv4 and IPv6 round-trip to their canonical text", arguments: [
        ("127.0.0.1", "127.0.0.1", 4),
        ("192.0.2.255", "192.0.2.255", 4),
        ("::1", "::1", 16),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1", 16),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1", 16),
    ])
    func roundTrip(text: String, canonical: String, count: Int) throws {
        let bytes = try #require(IPAddressText.bytes(of: text))
        #expect(bytes.count == count)
        #expect(IPAddressText.text(of: bytes) == canonical)
        #expect(IPAddressText.bytes(of: canonical) == bytes)
    }

    @Test("the bytes are in network order")
    func networkOrder() {
        #expect(IPAddressText.bytes(of: "10.1.2.3") == [10, 1, 2, 3])
        #expect(IPAddressText.text(of: [192, 0, 2, 1][...]) == "192.0.2.1")
    }

    @Test("anything but a bare address is refused", arguments: [
        "", "localhost", "256.0.0.1", "1.2.3", "1.2.3.4.5", "[::1]", "::1%lo", " 127.0.0.1", "127.0.0.1:80", "::g", "1::2::3",
    ])
    func refusesGarbage(text: String) {
        #expect(IPAddressText.bytes(of: text) == nil)
    }

    @Test("only 4 or 16 bytes have a text", arguments: [0, 1, 5, 15, 17])
    func wrongLengths(count: Int) {
        #expect(IPAddressText.text(of: [UInt8](repeating: 1, count: count)) == nil)
    }
}

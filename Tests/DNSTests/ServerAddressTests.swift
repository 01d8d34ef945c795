import Testing

@testable import DNS

/// `host:port` parsing for the servers the providers' settings name.
@Suite("DNS server addresses")
struct ServerAddressTests {
    @Test(
        "server addresses parse with and without a port, IPv6 in brackets or bare",
        arguments: [
            ("192.0.2.53", "192.0.2.53", 53),
            ("192.0.2.53:5353", "192.0.2.53", 5353),
            ("ns1.example.com:53", "ns1.example.com", 53),
            ("[2001:db8::53]:5353", "2001:db8::53", 5353),
            ("2001:db8::53", "2001:db8::53", 53),
            (" 127.0.0.1:1053 ", "127.0.0.1", 1053),
        ]
    )
    func addresses(text: String, host: String, port: Int) throws {
        let address = try DNSServerAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test("bad server addresses name the setting", arguments: ["", ":53", "host:0", "host:70000", "host:x", "[::1", "[::1]x"])
    func badAddresses(text: String) {
        let error = #expect(throws: DNSError.self) { try DNSServerAddress(parsing: text, setting: "resolvers") }
        #expect(error?.description.hasPrefix("invalid DNS-01 setting `resolvers`") == true)
    }
}

import Testing
@testable import WharfServer

@Suite("auth.trustednetworks: CIDR parsing and matching")
struct TrustedNetworkTests {
    @Test("IPv4 and IPv6 networks contain their addresses and no others")
    func matching() throws {
        let v4 = try #require(IPNetwork("10.20.0.0/16"))
        #expect(v4.contains("10.20.255.1"))
        #expect(!v4.contains("10.21.0.1"))
        #expect(v4.contains("::ffff:10.20.0.9"))
        #expect(!v4.contains("fd00::1"))
        let odd = try #require(IPNetwork("192.168.7.77/27"))
        #expect(odd.description == "192.168.7.64/27")
        #expect(odd.contains("192.168.7.95"))
        #expect(!odd.contains("192.168.7.96"))
        let v6 = try #require(IPNetwork("fd12:3456::/32"))
        #expect(v6.contains("fd12:3456:ffff::1"))
        #expect(!v6.contains("fd12:3457::1"))
        #expect(!v6.contains("10.0.0.1"))
        let one = try #require(IPNetwork("2001:db8::5"))
        #expect(one.prefixLength == 128)
        #expect(one.contains("2001:db8::5") && !one.contains("2001:db8::6"))
        #expect(try #require(IPNetwork("0.0.0.0/0")).contains("203.0.113.9"))
        #expect(!v4.contains("unknown"))
    }

    @Test("malformed CIDRs are refused", arguments: ["10.0.0.0/33", "10.0.0/8", "fd00::/129", "10.0.0.0/", "/8", "10.0.0.0/8/8", "host.example/24", "10.0.0.0/-1", " 10.0.0.0/8"])
    func malformed(_ text: String) {
        #expect(IPNetwork(text) == nil)
    }
}

import Testing

@testable import DNS

/// Parsing of the values the server passes from its configuration.
@Suite("Provider settings")
struct SettingsTests {
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

    @Test("the hook mode parses `default`, `raw` and nothing else")
    func hookMode() throws {
        #expect(try DNSHookMode(parsing: "") == .default)
        #expect(try DNSHookMode(parsing: "RAW") == .raw)
        #expect(throws: DNSError.self) { try DNSHookMode(parsing: "json") }
    }

    @Test("propagation settings refuse a negative timeout and a zero polling interval")
    func propagation() {
        #expect(throws: DNSError.self) {
            try RFC2136Solver(
                settings: RFC2136Settings(nameserver: "127.0.0.1"),
                propagation: PropagationSettings(timeout: .seconds(-1))
            )
        }
        #expect(throws: DNSError.self) {
            try RFC2136Solver(
                settings: RFC2136Settings(nameserver: "127.0.0.1"),
                propagation: PropagationSettings(pollingInterval: .zero)
            )
        }
        #expect(throws: DNSError.self) {
            try ExecSolver(
                settings: ExecSettings(command: "/bin/true"),
                propagation: PropagationSettings(resolvers: ["bad:port"])
            )
        }
    }

    @Test(
        "TSIG settings: a secret without a key name, both secret and file, a key name alone, a TTL of 0",
        arguments: [
            RFC2136Settings(nameserver: "127.0.0.1", tsigSecret: "AAECAwQF"),
            RFC2136Settings(nameserver: "127.0.0.1", tsigKey: "k", tsigSecret: "AAECAwQF", tsigSecretFile: "/etc/k.key"),
            RFC2136Settings(nameserver: "127.0.0.1", tsigKey: "k"),
            RFC2136Settings(nameserver: "127.0.0.1", ttl: 0),
            RFC2136Settings(nameserver: "127.0.0.1", tsigKey: "k", tsigAlgorithm: "hmac-md5", tsigSecret: "AAECAwQF"),
            RFC2136Settings(nameserver: "127.0.0.1", zone: "bad..zone"),
        ]
    )
    func badRFC2136(settings: RFC2136Settings) {
        let error = #expect(throws: DNSError.self) { try RFC2136Solver(settings: settings) }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.description.contains("AAECAwQF") == false)
    }

    @Test("the TXT value is base64url(SHA-256(keyAuthorization)) without padding")
    func txtValue() {
        // RFC 8555 §8.4's construction, checked against `printf %s ... | openssl dgst -sha256 -binary | basenc --base64url`.
        #expect(
            DNS01Challenge.txtValue(
                for: "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
            )
                == "lCM7cZyQXcVHK2nnW3jjAhNT3Fvm18UN-kWZZknKoYM"
        )
    }
}

import Testing

@testable import DNS
@testable import DNS01

/// Parsing of the values the server passes from its configuration.
@Suite("Provider settings")
struct SettingsTests {
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

    @Test("the rfc2136 settings show no secret in their description or dump")
    func redaction() {
        let settings = RFC2136Settings(nameserver: "192.0.2.1", tsigKey: "acme-key", tsigSecret: "c2VjcmV0LXZhbHVl")
        var dumped = ""
        dump(settings, to: &dumped)
        #expect(!settings.description.contains("c2VjcmV0LXZhbHVl"))
        #expect(!dumped.contains("c2VjcmV0LXZhbHVl"))
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

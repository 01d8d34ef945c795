import Testing
import WharfServer

@Suite("auth.clientcert and auth.trustednetworks configuration")
struct ClientAuthConfigurationTests {
    let loader = ConfigurationLoader()
    let tls = "http:\n  tls:\n    certificate: /c.pem\n    key: /c.key\n"

    @Test("auth.clientcert beside auth.htpasswd, and trusted networks of both families, load")
    func loads() throws {
        let yaml = tls + "auth:\n  clientcert:\n    cas: [/ca1.pem, /ca2.pem]\n    revoked: /revoked\n  trustednetworks: [10.0.0.0/8, \"fd00::/8\"]\n  htpasswd:\n    path: /h\n"
        let configuration = try loader.load(yaml: yaml, source: "c.yml", environment: [:]).configuration
        #expect(configuration.clientCertificates == .init(cas: ["/ca1.pem", "/ca2.pem"], revoked: "/revoked"))
        #expect(configuration.trustedNetworks.map(\.description) == ["10.0.0.0/8", "fd00::/8"])
        #expect(configuration.htpasswd?.path == "/h")
        let printed = ConfigurationPrinter.render(configuration)
        #expect(printed.contains("clientcert:") && printed.contains("trustednetworks: [\"10.0.0.0/8\", \"fd00::/8\"]"), "\(printed)")
    }

    @Test(
        "bad values are errors naming file, line and key",
        arguments: [
            ("auth:\n  trustednetworks: [10.0.0.0/8, 10.0.0.0/40]\n", "auth.trustednetworks", 2),
            ("auth:\n  trustednetworks:\n    - nonsense\n", "auth.trustednetworks", 2),
            ("http:\n  tls:\n    certificate: /c.pem\n    key: /c.key\nauth:\n  clientcert:\n    revoked: /r\n", "auth.clientcert.cas", 6),
            ("auth:\n  clientcert:\n    cas: [/ca.pem]\n", "auth.clientcert", 2),
            ("http:\n  tls:\n    certificate: /c.pem\n    key: /c.key\n    clientcas: [/x.pem]\nauth:\n  clientcert:\n    cas: [/ca.pem]\n", "auth.clientcert", 7),
        ]
    )
    func badValues(_ yaml: String, _ key: String, _ line: Int) {
        #expect {
            try loader.load(yaml: yaml, source: "c.yml", environment: [:])
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == key && error?.description.hasPrefix("c.yml:\(line): \(key)") == true
        }
    }
}

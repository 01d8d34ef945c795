import Foundation
import Testing
import WharfServer

@Suite("TLS configuration keys")
struct TLSConfigurationTests {
    let loader = ConfigurationLoader()

    @Test("certificate, key, minimumtls, clientcas, http2 and the plain listener are read")
    func fullTLS() throws {
        let yaml = """
            version: 0.1
            http:
              addr: :5443
              http2:
                disabled: true
              tls:
                certificate: /etc/wharf/chain.pem
                key: /etc/wharf/key.pem
                minimumtls: tls1.3
                clientcas: [/etc/wharf/clients.pem]
                letsencrypt:
                  httpaddr: :8080
            """
        let http = try loader.load(yaml: yaml, source: "tls.yml", environment: [:]).configuration.http
        #expect(http.tls?.source == .files(certificate: "/etc/wharf/chain.pem", key: "/etc/wharf/key.pem"))
        #expect(http.tls?.minimumVersion == .tls13)
        #expect(http.tls?.clientCAs == ["/etc/wharf/clients.pem"])
        #expect(http.http2 == false)
        #expect(http.plainListener == .init(host: "0.0.0.0", port: 8080))
    }

    @Test("challenge: tls-alpn-01 is read and needs no plain listener; http-01 opens one on :80")
    func tlsALPNChallenge() throws {
        let yaml = "version: 0.1\nhttp:\n  tls:\n    letsencrypt:\n      hosts: [a.example]\n      challenge: tls-alpn-01\n"
        let http = try loader.load(yaml: yaml, source: "alpn.yml", environment: [:]).configuration.http
        guard case .acme(let acme) = http.tls?.source else {
            Issue.record("no ACME settings read")
            return
        }
        #expect(acme.challenge == .tlsALPN01)
        #expect(http.plainListener == nil)
        let http01 = try loader.load(yaml: yaml.replacingOccurrences(of: "tls-alpn-01", with: "http-01"), source: "http.yml", environment: [:]).configuration.http
        #expect(http01.plainListener == .init(host: "0.0.0.0", port: 80))
    }

    @Test("challenge takes an ordered list; the plain listener runs when http-01 is in it; dns settings need dns-01 in it")
    func challengeList() throws {
        let base = "version: 0.1\nhttp:\n  tls:\n    letsencrypt:\n      hosts: [a.example]\n"
        let listed = try loader.load(yaml: base + "      challenge: [tls-alpn-01, http-01]\n", source: "list.yml", environment: [:]).configuration
        guard case .acme(let acme) = listed.http.tls?.source else {
            Issue.record("no ACME settings read")
            return
        }
        #expect(acme.challenges == [.tlsALPN01, .http01])
        #expect(listed.http.plainListener == .init(host: "0.0.0.0", port: 80))
        #expect(ConfigurationPrinter.render(listed).contains("challenge: [tls-alpn-01, http-01]"))
        for (yaml, message) in [
            ("      challenge: [http-01, http-01]\n", "twice"),
            ("      challenge: []\n", "empty"),
            ("      challenge: [tls-alpn-01]\n      dns:\n        provider: exec\n", "need challenge: dns-01"),
        ] {
            #expect {
                try loader.load(yaml: base + yaml, source: "bad.yml", environment: [:])
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }

    @Test("a file without http.tls serves plain HTTP; no file at all serves TLS from the local CA")
    func defaults() throws {
        #expect(try loader.load(yaml: "version: 0.1\n", source: "plain.yml", environment: [:]).configuration.http.tls == nil)
        #expect(try loader.load(path: nil, environment: [:]).configuration.http.tls?.source == .localAuthority)
    }

    @Test(
        "bad TLS settings name their key",
        arguments: [
            ("http:\n  tls:\n    certificate: /c.pem\n", "http.tls"),
            ("http:\n  tls:\n    certificate: /c\n    key: /k\n    minimumtls: tls1.1\n", "http.tls.minimumtls"),
            ("http:\n  tls:\n    certificate: /c\n    key: /k\n    minimumtls: ssl3\n", "http.tls.minimumtls"),
            ("http:\n  tls:\n    certificate: /c\n    key: /k\n    clientcas: {a: b}\n", "http.tls.clientcas"),
            ("http:\n  http2:\n    disabled: maybe\n", "http.http2.disabled"),
            ("http:\n  tls:\n    certificate: /c\n    key: /k\n    letsencrypt:\n      email: a@b.c\n", "http.tls.letsencrypt.hosts"),
            ("http:\n  tls:\n    certificate: /c\n    key: /k\n    letsencrypt:\n      hosts: [a.example]\n", "http.tls.letsencrypt"),
            ("http:\n  tls:\n    letsencrypt:\n      hosts: [a.example]\n      challenge: tls-sni-01\n", "http.tls.letsencrypt.challenge"),
            ("http:\n  tls:\n    letsencrypt:\n      hosts: [a.example]\n      keytype: dsa\n", "http.tls.letsencrypt.keytype"),
            ("http:\n  tls:\n    letsencrypt:\n      hosts: [a.example]\n      eab:\n        kid: k\n", "http.tls.letsencrypt.eab"),
        ]
    )
    func badTLS(_ yaml: String, _ key: String) {
        #expect {
            try loader.load(yaml: yaml, source: "bad.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}

import ACME
import Testing

@testable import WharfServer

@Suite("http.tls.letsencrypt.profile")
struct ACMEProfileTests {
    let loader = ConfigurationLoader()

    func yaml(_ profileLine: String) -> String {
        "version: 0.1\nhttp:\n  tls:\n    letsencrypt:\n      hosts: [mirror.example.com]\n\(profileLine)"
    }

    @Test("read, and shown by wharf config check")
    func read() throws {
        let configuration = try loader.load(yaml: yaml("      profile: shortlived\n"), source: "acme.yml", environment: [:]).configuration
        guard case .acme(let acme) = configuration.http.tls?.source else {
            Issue.record("not an ACME configuration")
            return
        }
        #expect(acme.profile == "shortlived")
        #expect(ConfigurationPrinter.render(configuration).contains("      profile: \"shortlived\""))
    }

    @Test("absent by default; a blank or spaced name, or one without hosts, is an error naming the key", arguments: [
        ("      profile: \"\"\n", "http.tls.letsencrypt.profile"),
        ("      profile: short lived\n", "http.tls.letsencrypt.profile"),
    ])
    func invalid(_ line: String, _ key: String) throws {
        let plain = try loader.load(yaml: yaml(""), source: "acme.yml", environment: [:]).configuration
        if case .acme(let acme) = plain.http.tls?.source { #expect(acme.profile == nil) }
        #expect { try loader.load(yaml: yaml(line), source: "bad.yml", environment: [:]) } throws: { ($0 as? ConfigurationError)?.key == key }
        let hostless = "version: 0.1\nhttp:\n  tls:\n    letsencrypt:\n      profile: classic\n"
        #expect { try loader.load(yaml: hostless, source: "bad.yml", environment: [:]) } throws: { ($0 as? ConfigurationError)?.key == "http.tls.letsencrypt.hosts" }
    }

    @Test("verdicts: accepted, ignored with a warning, rejected naming the file, the line, the key and the CA's profiles")
    func verdicts() throws {
        let url = "https://ca.example/dir"
        let origins = try loader.load(yaml: yaml("      profile: tlsserver\n"), source: "acme.yml", environment: [:]).configuration.origins
        #expect(ACMEProfileCheck.judge(profile: "classic", support: .offered, directoryURL: url, origins: origins) == .accepted)
        guard case .ignored(let warning) = ACMEProfileCheck.judge(profile: "classic", support: .noProfiles, directoryURL: url, origins: origins) else {
            Issue.record("a CA without profiles only warns")
            return
        }
        #expect(warning.contains("http.tls.letsencrypt.profile") && warning.contains("ignored"))
        guard
            case .rejected(let error) = ACMEProfileCheck.judge(
                profile: "tlsserver", support: .notOffered(offered: ["classic", "shortlived"]), directoryURL: url, origins: origins
            )
        else {
            Issue.record("an unknown profile is rejected")
            return
        }
        #expect(error.key == "http.tls.letsencrypt.profile")
        #expect(error.description.hasPrefix("acme.yml:6: http.tls.letsencrypt.profile: "))
        #expect(error.description.contains("\"tlsserver\"") && error.description.contains("classic, shortlived") && error.description.contains(url))
    }

    @Test("IP-address hosts: a warning when the CA lists profiles and the configured one is not one allowing IPs; none otherwise")
    func ipAddressProfiles() {
        let url = "https://ca.example/dir"
        let letsEncrypt = ["classic": "https://letsencrypt.org/docs/profiles#classic", "shortlived": "https://letsencrypt.org/docs/profiles#shortlived", "tlsserver": "x"]
        let ip = ["mirror.example.com", "192.0.2.7"]
        let warning = ACMEProfileCheck.ipAddressWarning(hosts: ip, profile: nil, profiles: letsEncrypt, directoryURL: url)
        #expect(warning?.contains("192.0.2.7") == true && warning?.contains("http.tls.letsencrypt.profile to shortlived") == true, "\(warning ?? "none")")
        #expect(ACMEProfileCheck.ipAddressWarning(hosts: ip, profile: "classic", profiles: letsEncrypt, directoryURL: url)?.contains("profile \"classic\"") == true)
        #expect(ACMEProfileCheck.ipAddressWarning(hosts: ip, profile: "shortlived", profiles: letsEncrypt, directoryURL: url) == nil)
        #expect(ACMEProfileCheck.ipAddressWarning(hosts: ip, profile: nil, profiles: [:], directoryURL: url) == nil, "a CA without profiles (Pebble 2.4)")
        #expect(ACMEProfileCheck.ipAddressWarning(hosts: ["mirror.example.com"], profile: nil, profiles: letsEncrypt, directoryURL: url) == nil)
        #expect(ACMEProfileCheck.ipAddressWarning(hosts: ip, profile: "ips", profiles: ["ips": "certificates for IP addresses"], directoryURL: url) == nil)
    }

    @Test("IP hosts: read in canonical form; dns-01 with one is refused saying why")
    func ipAddressHosts() throws {
        let base = "version: 0.1\nhttp:\n  tls:\n    letsencrypt:\n      hosts: [127.0.0.1, \"2001:DB8:0::1\"]\n"
        let configuration = try loader.load(yaml: base, source: "ip.yml", environment: [:]).configuration
        guard case .acme(let acme) = configuration.http.tls?.source else {
            Issue.record("not an ACME configuration")
            return
        }
        #expect(acme.hosts == ["127.0.0.1", "2001:db8::1"])
        let dns = base + "      challenge: dns-01\n      dns:\n        provider: exec\n        exec:\n          command: /bin/true\n"
        #expect {
            try loader.load(yaml: dns, source: "bad.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.key == "http.tls.letsencrypt.challenge" && "\(error)".contains("RFC 8738")
        }
    }
}

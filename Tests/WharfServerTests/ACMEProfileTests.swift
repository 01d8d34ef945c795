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
}

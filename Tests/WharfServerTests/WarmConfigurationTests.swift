import Registry
import Testing
import WharfServer

@Suite("proxy.warm in the configuration")
struct WarmConfigurationTests {
    let loader = ConfigurationLoader()

    @Test("image references by tag, by digest and with a registry host are read and printed back")
    func readsImages() throws {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let yaml = "proxy:\n  warm:\n    - library/node:22\n    - ghcr.io/myorg/app@\(digest)\n    - alpine\n"
        let configuration = try loader.load(yaml: yaml, source: "c.yml", environment: [:]).configuration
        let warm = configuration.proxy.warm
        #expect(warm.map(\.description) == ["library/node:22", "ghcr.io/myorg/app@\(digest)", "alpine:latest"])
        #expect(warm[1].registry == "ghcr.io")
        #expect(warm[1].manifestPath(warm[1].reference) == "/v2/myorg/app/manifests/\(digest)?ns=ghcr.io")
        let printed = ConfigurationPrinter.render(configuration)
        #expect(try loader.load(yaml: printed, source: "printed", environment: [:]).configuration.proxy.warm == warm, "\(printed)")
    }

    @Test("a bad image is an error at its line and key", arguments: [
        ("proxy:\n  warm:\n    - library/ok:1\n    - Library/Bad:1\n", "proxy.warm[1]", 4),
        ("proxy:\n  warm: library/node:22\n", "proxy.warm", 2),
        ("proxy:\n  warm:\n    - library/x@sha256:short\n", "proxy.warm[0]", 3),
    ])
    func badImage(yaml: String, key: String, line: Int) {
        #expect {
            _ = try loader.load(yaml: yaml, source: "c.yml", environment: [:])
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.line == line
        }
    }
}

import Testing
import WharfServer

/// Inputs found while fuzzing the configuration (Fuzz/Sources/FuzzConfiguration): each was a crash.
@Suite("configuration inputs from fuzzing")
struct FuzzRegressionTests {
    let loader = ConfigurationLoader()

    @Test(
        "a duration past Go's limit (2^63-1 ns) is an error naming its key, not a trap converting to Int64",
        arguments: ["99999999999999999999s", "2562048h", "9223372037s", "\(String(repeating: "9", count: 400))ms"]
    )
    func hugeDuration(_ text: String) {
        #expect {
            try loader.load(yaml: "proxy:\n  tagttl: \(text)\n", source: "c.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.key == "proxy.tagttl"
        }
    }

    @Test("the longest duration Go takes still loads")
    func longestDuration() throws {
        let configuration = try loader.load(yaml: "proxy:\n  ttl: 2562047h\n", source: "c.yml", environment: [:]).configuration
        #expect(configuration.proxy.ttl == .seconds(2_562_047 * 3600))
    }

    @Test(
        "a size past Int64 is an error naming its key, not a trap converting to Int64",
        arguments: ["99999999999999999999", "9000000TiB", "\(String(repeating: "9", count: 400))GB"]
    )
    func hugeSize(_ text: String) {
        #expect {
            try loader.load(yaml: "storage:\n  maxsize: \(text)\n", source: "c.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.key == "storage.maxsize"
        }
    }

    /// Yams' `Node.any` force-unwraps every mapping key as a string.
    @Test(
        "a key that is a list or a section is an error, not a trap in Yams",
        arguments: ["? -\n", "{[a]: b}\n", "proxy:\n  ? [x]\n  : y\n", "log: !!set\n  ? {a: 1}\n"]
    )
    func complexKey(_ yaml: String) {
        #expect {
            try loader.load(yaml: yaml, source: "c.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.message.contains("a key must be a single value") == true
        }
    }

    @Test("an environment value with such a key is taken as text")
    func complexKeyInEnvironment() throws {
        let loaded = try loader.load(yaml: "", source: "c.yml", environment: ["REGISTRY_PROXY_USERNAME": "? -", "REGISTRY_PROXY_PASSWORD": "pw"])
        #expect(loaded.configuration.proxy.username == "? -")
    }

    /// A double-quoted YAML scalar folds a line break into a space, and may not hold unprintable characters.
    @Test(
        "what wharf config check prints loads to the same configuration, whatever a quoted value holds",
        arguments: ["\n", "a\n\nb", "\r\n", "\t x \t", "\u{1}\u{7F}", "\u{85}\u{2028}\u{2029}", "é😀", "\\\"\\"]
    )
    func printedValueLoadsBack(_ realm: String) throws {
        var configuration = try loader.load(yaml: "auth:\n  htpasswd:\n    path: /etc/wharf/htpasswd\n", source: "c.yml", environment: [:]).configuration
        configuration.htpasswd?.realm = realm
        let printed = ConfigurationPrinter.render(configuration)
        let reloaded = try loader.load(yaml: printed, source: "printed", environment: [:]).configuration
        #expect(reloaded.htpasswd?.realm == realm)
        #expect(reloaded == configuration)
    }

    /// `0.5` was 0 bytes once truncated, which the printed `maxsize: 0` then refused.
    @Test("a size under one byte is an error naming its key", arguments: ["0.5", "0.0001KB", ".5b"])
    func sizeUnderOneByte(_ text: String) {
        #expect {
            try loader.load(yaml: "storage:\n  maxsize: \(text)\n", source: "c.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.key == "storage.maxsize"
        }
    }
}


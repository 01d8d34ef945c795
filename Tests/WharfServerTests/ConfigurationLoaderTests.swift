import Foundation
import Testing
import WharfServer

@Suite("distribution-compatible configuration")
struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader()

    static var configFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config")
    }

    static var exampleFiles: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: configFolder.path).filter { $0.hasSuffix(".yml") }.sorted()) ?? []
    }

    @Test("the Config folder has examples")
    func examplesExist() {
        #expect(Self.exampleFiles.count >= 2, "expected example files in \(Self.configFolder.path)")
    }

    @Test("every example in Config/ loads", arguments: exampleFiles)
    func examplesLoad(_ file: String) throws {
        let loaded = try loader.load(path: Self.configFolder.appendingPathComponent(file).path, environment: [:])
        #expect(!loaded.configuration.proxy.remoteURL.isEmpty)
    }

    @Test("the Docker Hub example reads distribution's keys and warns about the ones Wharf ignores")
    func dockerHubExample() throws {
        let loaded = try loader.load(path: Self.configFolder.appendingPathComponent("docker-hub-mirror.yml").path, environment: [:])
        let configuration = loaded.configuration
        #expect(configuration.storageRoot == "/var/lib/registry")
        #expect(configuration.http.host == "0.0.0.0")
        #expect(configuration.http.port == 5000)
        #expect(configuration.proxy.remoteURL == "https://registry-1.docker.io")
        #expect(configuration.proxy.username == "mydockerhubuser")
        #expect(loaded.warnings.contains { $0.contains("health") })
        #expect(loaded.warnings.contains { $0.contains("storage.delete") })
        #expect(loaded.configuration.proxy.ttl == .seconds(168 * 3600))
        #expect(loaded.warnings.allSatisfy { $0.contains("docker-hub-mirror.yml") })
    }

    @Test("an unknown key is an error naming the key path and the file")
    func unknownKey() {
        #expect {
            try loader.load(yaml: "version: 0.1\nproxy:\n  remoteurl: https://x.io\n  remoteurll: y\n", source: "wharf.yml", environment: [:])
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key == "proxy.remoteurll" && error?.source == "wharf.yml"
                && error?.description.contains("wharf.yml:4: proxy.remoteurll") == true
        }
    }

    @Test(
        "bad values are errors naming their key",
        arguments: [
            ("log:\n  level: loud\n", "log.level"),
            ("http:\n  addr: nonsense\n", "http.addr"),
            ("http:\n  addr: :99999\n", "http.addr"),
            ("http:\n  net: unix\n", "http.net"),
            ("proxy:\n  username: u\n", "proxy.username"),
            ("version: 0.2\n", "version"),
            ("proxy: [1, 2]\n", "proxy"),
            ("storage:\n  s3:\n    bucket: b\n", "storage.s3.accesskey"),
            ("storage:\n  s3:\n    bucket: b\n    accesskey: a\n    secretkey: s\n    chunksize: 1000\n", "storage.s3.chunksize"),
            ("storage:\n  s3:\n    bucket: b\n    accesskey: a\n    secretkey: s\n    encrypt: true\n", "storage.s3.encrypt"),
            ("storage:\n  redirect:\n    disable: false\n", "storage.redirect.disable"),
            ("http:\n  tls:\n    certificate: /x\n", "http.tls"),
            ("auth:\n  token:\n    realm: r\n", "auth.token"),
            ("auth:\n  htpasswd:\n    realm: r\n", "auth.htpasswd.path"),
            ("proxy:\n  remoteurl: http://127.0.0.1:99999\n", "proxy.remoteurl"),
            ("http:\n  tls:\n    letsencrypt:\n      hosts: [a.example]\n      directoryurl: https://127.0.0.1:133229/dir\n", "http.tls.letsencrypt.directoryurl"),
        ]
    )
    func badValues(_ yaml: String, _ key: String) {
        #expect {
            try loader.load(yaml: yaml, source: "c.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }

    @Test("text that is not YAML is an error naming the file")
    func notYAML() {
        #expect {
            try loader.load(yaml: "proxy: [unclosed\n", source: "broken.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.source == "broken.yml"
        }
    }

    @Test("REGISTRY_* variables override the file as distribution spells them")
    func environmentOverrides() throws {
        let loaded = try loader.load(
            yaml: "version: 0.1\nhttp:\n  addr: :5000\nproxy:\n  remoteurl: https://a.io\n",
            source: "c.yml",
            environment: [
                "REGISTRY_PROXY_REMOTEURL": "https://b.io",
                "REGISTRY_HTTP_ADDR": "127.0.0.1:6000",
                "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/srv/cache",
                "REGISTRY_PROXY_USERNAME": "u",
                "REGISTRY_PROXY_PASSWORD": "12345",
                "HOME": "/root",
            ]
        )
        #expect(loaded.configuration.proxy.remoteURL == "https://b.io")
        #expect(loaded.configuration.http.host == "127.0.0.1")
        #expect(loaded.configuration.http.port == 6000)
        #expect(loaded.configuration.storageRoot == "/srv/cache")
        #expect(loaded.configuration.proxy.password == "12345")
    }

    @Test("an unknown REGISTRY_ variable is an error like an unknown key")
    func unknownEnvironment() {
        #expect(throws: ConfigurationError.self) {
            try loader.load(yaml: "", source: "c.yml", environment: ["REGISTRY_PROXY_BOGUS": "1"])
        }
    }

    @Test("no file means Docker Hub on :5000 storing in ./data")
    func defaults() throws {
        let configuration = try loader.load(path: nil, environment: [:]).configuration
        #expect(configuration.proxy.remoteURL == "https://registry-1.docker.io")
        #expect(configuration.storageRoot == "./data")
        #expect(configuration.http.port == 5000)
    }

    @Test("the printed configuration masks the password")
    func printerMasksSecrets() throws {
        let configuration = try loader.load(
            yaml: "proxy:\n  remoteurl: https://x.io\n  username: u\n  password: hunter2\n",
            source: "c.yml",
            environment: [:]
        ).configuration
        let printed = ConfigurationPrinter.render(configuration)
        #expect(!printed.contains("hunter2"))
        #expect(printed.contains("password: \"********\""))
        // What is printed loads again to the same configuration, password aside.
        var reloaded = try loader.load(yaml: printed, source: "printed", environment: [:]).configuration
        reloaded.proxy.password = "hunter2"
        #expect(reloaded == configuration)
    }
}

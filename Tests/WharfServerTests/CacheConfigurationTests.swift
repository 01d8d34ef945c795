import Testing
import WharfServer

@Suite("upstreams, freshness and size keys")
struct CacheConfigurationTests {
    let loader = ConfigurationLoader()

    @Test("proxy.upstreams, proxy.name, tagttl, ttl and storage.maxsize are read")
    func readsKeys() throws {
        let yaml = """
            version: 0.1
            storage:
              filesystem: {rootdirectory: /srv}
              maxsize: 50GiB
            proxy:
              remoteurl: https://registry-1.docker.io
              name: docker.io
              tagttl: 90s
              ttl: 168h
              upstreams:
                - name: ghcr.io
                  remoteurl: https://ghcr.io
                - name: registry.internal:5000
                  remoteurl: http://10.0.0.5:5000
                  username: robot
                  password: s3cret
            """
        let configuration = try loader.load(yaml: yaml, source: "c.yml", environment: [:]).configuration
        #expect(configuration.storageMaxSize == Int64(53_687_091_200))
        #expect(configuration.proxy.name == "docker.io")
        #expect(configuration.proxy.tagTTL == .seconds(90))
        #expect(configuration.proxy.ttl == .seconds(168 * 3600))
        #expect(configuration.proxy.upstreams == [
            .init(name: "ghcr.io", remoteURL: "https://ghcr.io"),
            .init(name: "registry.internal:5000", remoteURL: "http://10.0.0.5:5000", username: "robot", password: "s3cret"),
        ])
        let printed = ConfigurationPrinter.render(configuration)
        #expect(!printed.contains("s3cret"))
    }

    @Test("durations and sizes in the forms distribution's users write them")
    func units() throws {
        func ttl(_ text: String) throws -> Duration? {
            try loader.load(yaml: "proxy:\n  tagttl: \(text)\n", source: "c", environment: [:]).configuration.proxy.tagTTL
        }
        #expect(try ttl("1h30m") == .seconds(5400))
        #expect(try ttl("500ms") == .milliseconds(500))
        #expect(try ttl("0s") == .zero)
        func size(_ text: String) throws -> Int64? {
            try loader.load(yaml: "storage:\n  maxsize: \(text)\n", source: "c", environment: [:]).configuration.storageMaxSize
        }
        #expect(try size("500MB") == 500_000_000)
        #expect(try size("2TiB") == 2 * 1_099_511_627_776)
        #expect(try size("1048576") == 1_048_576)
    }

    @Test(
        "bad values name their key",
        arguments: [
            ("proxy:\n  tagttl: soon\n", "proxy.tagttl"),
            ("proxy:\n  ttl: 10\n", "proxy.ttl"),
            ("storage:\n  maxsize: lots\n", "storage.maxsize"),
            ("storage:\n  maxsize: -5GB\n", "storage.maxsize"),
            ("proxy:\n  upstreams: ghcr.io\n", "proxy.upstreams"),
            ("proxy:\n  upstreams:\n    - remoteurl: https://ghcr.io\n", "proxy.upstreams[0].name"),
            ("proxy:\n  upstreams:\n    - name: ghcr.io\n", "proxy.upstreams[0].remoteurl"),
            ("proxy:\n  upstreams:\n    - name: ghcr.io\n      remoteurl: https://ghcr.io\n      token: x\n", "proxy.upstreams[0].token"),
            ("proxy:\n  upstreams:\n    - name: a.io\n      remoteurl: https://a.io\n    - name: a.io\n      remoteurl: https://b.io\n", "proxy.upstreams[1].name"),
            ("proxy:\n  upstreams:\n    - name: bad/name\n      remoteurl: https://a.io\n", "proxy.upstreams[0].name"),
        ]
    )
    func badValues(_ yaml: String, _ key: String) {
        #expect {
            try loader.load(yaml: yaml, source: "c.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}

import Testing
import WharfServer

@Suite("configuration errors name the file, the line and the key path")
struct ConfigurationPositionTests {
    let loader = ConfigurationLoader()

    @Test(
        "a bad value reports the line it is on",
        arguments: [
            ("version: 0.1\nlog:\n  level: loud\n", 3, "log.level"),
            ("version: 0.1\nproxy:\n  remoteurl: https://registry-1.docker.io\n  tagttl: soon\n", 4, "proxy.tagttl"),
            ("version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/wharf\n  maxsize: lots\n", 5, "storage.maxsize"),
            ("auth:\n  htpasswd:\n    path: /etc/wharf/htpasswd\n    failurelimit: -1\n", 4, "auth.htpasswd.failurelimit"),
            (
                "version: 0.1\nhttp:\n  addr: :5000\n  tls:\n    letsencrypt:\n      hosts: [a.example]\n      keytype: ed25519\n",
                7, "http.tls.letsencrypt.keytype"
            ),
            (
                "http:\n  tls:\n    letsencrypt:\n      hosts: [a.example]\n      challenge: dns-01\n      dns:\n        provider: route53\n",
                7, "http.tls.letsencrypt.dns.provider"
            ),
            (
                "proxy:\n  upstreams:\n    - name: ghcr.io\n      remoteurl: https://ghcr.io\n    - name: quay.io\n      remoteurl: ftp://quay.io\n",
                6, "proxy.upstreams[1].remoteurl"
            ),
        ]
    )
    func badValue(_ yaml: String, _ line: Int, _ key: String) {
        let error = #expect(throws: ConfigurationError.self) { try loader.load(yaml: yaml, source: "wharf.yml", environment: [:]) }
        #expect(error?.key == key)
        #expect(error?.line == line)
        #expect(error?.description.hasPrefix("wharf.yml:\(line): \(key): ") == true, "\(String(describing: error))")
    }

    @Test("the column is the value's")
    func column() {
        let error = #expect(throws: ConfigurationError.self) {
            try loader.load(yaml: "log:\n  level: loud\n", source: "wharf.yml", environment: [:])
        }
        #expect(error?.line == 2)
        #expect(error?.column == 10)
    }

    @Test("an unknown key reports its line, in a section and at the top")
    func unknownKey() {
        let nested = #expect(throws: ConfigurationError.self) {
            try loader.load(yaml: "version: 0.1\nhttp:\n  tls:\n    letsencrypt:\n      hostz: [a.example]\n", source: "wharf.yml", environment: [:])
        }
        #expect(nested?.description == "wharf.yml:5: http.tls.letsencrypt.hostz: unknown key (neither distribution's nor Wharf's)")
        let top = #expect(throws: ConfigurationError.self) {
            try loader.load(yaml: "version: 0.1\n\nproxyy:\n  remoteurl: https://x.io\n", source: "wharf.yml", environment: [:])
        }
        #expect(top?.line == 3)
        #expect(top?.key == "proxyy")
    }

    @Test("a missing key reports the line of the section that lacks it")
    func missingKey() {
        let error = #expect(throws: ConfigurationError.self) {
            try loader.load(yaml: "version: 0.1\nauth:\n  htpasswd:\n    realm: Wharf\n", source: "wharf.yml", environment: [:])
        }
        #expect(error?.key == "auth.htpasswd.path")
        #expect(error?.line == 3)
    }

    @Test("a value from the environment names the variable instead of a line")
    func environment() {
        let error = #expect(throws: ConfigurationError.self) {
            try loader.load(yaml: "log:\n  level: info\n", source: "wharf.yml", environment: ["REGISTRY_LOG_LEVEL": "loud"])
        }
        #expect(error?.line == nil)
        #expect(error?.description.hasPrefix("environment (REGISTRY_LOG_LEVEL): log.level: ") == true, "\(String(describing: error))")
        let unknown = #expect(throws: ConfigurationError.self) {
            try loader.load(yaml: "", source: "wharf.yml", environment: ["REGISTRY_PROXY_BOGUS": "1"])
        }
        #expect(unknown?.source == "environment (REGISTRY_PROXY_BOGUS)")
        #expect(unknown?.key == "proxy.bogus")
    }

    @Test("warnings about ignored keys and errors found after loading carry the line too")
    func afterLoading() throws {
        let yaml = "version: 0.1\nproxy:\n  remoteurl: https://x.io\nhealth:\n  storagedriver:\n    enabled: true\nhttp:\n  tls:\n    certificate: /etc/wharf/cert.pem\n    key: /etc/wharf/key.pem\n"
        let loaded = try loader.load(yaml: yaml, source: "wharf.yml", environment: [:])
        #expect(loaded.warnings.contains { $0.hasPrefix("wharf.yml:4: health ") }, "\(loaded.warnings)")
        let later = loaded.configuration.origins.error("http.tls.certificate", "cannot be read")
        #expect(later.description == "wharf.yml:9: http.tls.certificate: cannot be read")
    }
}

import Foundation
import Testing
import Upstream
import WharfServer

@Suite("http.timeouts and http.limits")
struct ListenerLimitsConfigurationTests {
    let loader = ConfigurationLoader()
    let base = "version: 0.1\nproxy:\n  remoteurl: https://registry-1.docker.io\n"

    @Test("without the keys, every timeout and limit has a safe default")
    func defaults() throws {
        let limits = try loader.load(yaml: base, source: "wharf.yml", environment: [:]).configuration.http.limits
        #expect(limits.headerTimeout == .seconds(10))
        #expect(limits.idleTimeout == .seconds(75))
        #expect(limits.writeStallTimeout == .seconds(30))
        #expect(limits.maxConnections == 4096)
        #expect(limits.maxConnectionsPerClient == 256)
        #expect(limits.maxHeaderBytes == 64 * 1024)
        #expect(limits.maxHeaderCount == 100)
        #expect(limits.http2MaxConcurrentStreams == 100)
        #expect(limits.http2MaxHeaderListSize == 16 * 1024)
        #expect(limits.http2MaxResets == 200)
        #expect(limits.http2ResetWindow == .seconds(30))
        let upstream = try loader.load(yaml: base, source: "wharf.yml", environment: [:]).configuration.proxy.timeouts
        #expect(upstream == UpstreamTimeouts())
        #expect(upstream.connect == .seconds(5) && upstream.response == .seconds(30) && upstream.idle == .seconds(30))
    }

    @Test("proxy.timeouts sets the upstream's connect, response and idle timeouts")
    func upstreamKeys() throws {
        let yaml = "version: 0.1\nproxy:\n  remoteurl: https://registry-1.docker.io\n  timeouts:\n    connect: 2s\n    response: 1m\n    idle: 750ms\n"
        let configuration = try loader.load(yaml: yaml, source: "wharf.yml", environment: [:]).configuration
        #expect(configuration.proxy.timeouts.connect == .seconds(2))
        #expect(configuration.proxy.timeouts.response == .seconds(60))
        #expect(configuration.proxy.timeouts.idle == .milliseconds(750))
        let reloaded = try loader.load(yaml: ConfigurationPrinter.render(configuration), source: "printed.yml", environment: [:]).configuration
        #expect(reloaded.proxy.timeouts == configuration.proxy.timeouts)
        #expect {
            try loader.load(yaml: yaml.replacingOccurrences(of: "750ms", with: "0"), source: "wharf.yml", environment: [:])
        } throws: { ($0 as? ConfigurationError)?.key == "proxy.timeouts.idle" }
    }

    @Test("the keys set each one, and config check prints them")
    func keys() throws {
        let yaml = base + """
            http:
              timeouts:
                header: 3s
                idle: 2m
                writestall: 500ms
              limits:
                connections: 100
                connectionsperclient: 7
                headerbytes: 16KiB
                headercount: 20
                http2streams: 16
                http2headerlist: 8KiB
                http2resets: 50
                http2resetwindow: 10s

            """
        let configuration = try loader.load(yaml: yaml, source: "wharf.yml", environment: [:]).configuration
        let limits = configuration.http.limits
        #expect(limits.headerTimeout == .seconds(3))
        #expect(limits.idleTimeout == .seconds(120))
        #expect(limits.writeStallTimeout == .milliseconds(500))
        #expect(limits.maxConnections == 100)
        #expect(limits.maxConnectionsPerClient == 7)
        #expect(limits.maxHeaderBytes == 16384)
        #expect(limits.maxHeaderCount == 20)
        #expect(limits.http2MaxConcurrentStreams == 16)
        #expect(limits.http2MaxHeaderListSize == 8192)
        #expect(limits.http2MaxResets == 50)
        #expect(limits.http2ResetWindow == .seconds(10))
        let printed = ConfigurationPrinter.render(configuration)
        #expect(printed.contains("  timeouts:\n    header: 3s\n    idle: 120s\n    writestall: 500ms\n"))
        let reloaded = try loader.load(yaml: printed, source: "printed.yml", environment: [:]).configuration
        #expect(reloaded.http.limits == limits)
    }

    @Test(
        "a timeout of nothing or a limit below one is an error naming its key",
        arguments: [
            ("timeouts:\n    header: 0", "http.timeouts.header"),
            ("timeouts:\n    idle: soon", "http.timeouts.idle"),
            ("timeouts:\n    writestall: 0s", "http.timeouts.writestall"),
            ("limits:\n    connections: 0", "http.limits.connections"),
            ("limits:\n    connectionsperclient: -3", "http.limits.connectionsperclient"),
            ("limits:\n    headerbytes: 10", "http.limits.headerbytes"),
            ("limits:\n    headercount: many", "http.limits.headercount"),
            ("limits:\n    http2streams: 0", "http.limits.http2streams"),
            ("limits:\n    http2headerlist: 100", "http.limits.http2headerlist"),
            ("limits:\n    http2resets: lots", "http.limits.http2resets"),
            ("limits:\n    http2resetwindow: 0s", "http.limits.http2resetwindow"),
        ]
    )
    func badValues(_ section: String, _ key: String) {
        #expect {
            try loader.load(yaml: base + "http:\n  " + section + "\n", source: "wharf.yml", environment: [:])
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}

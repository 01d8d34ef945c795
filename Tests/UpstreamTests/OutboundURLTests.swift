import OutboundURL
import Testing
import Upstream

@Suite("URLs are checked before they are dialed")
struct OutboundURLTests {
    @Test("absolute http(s) URLs with a host and a port in 1-65535 pass", arguments: [
        "https://registry-1.docker.io", "http://127.0.0.1:5000/v2/", "https://[::1]:443/dir", "http://h:65535",
    ])
    func usable(_ url: String) {
        #expect(OutboundURL.problem(url) == nil)
    }

    @Test("anything else is refused with a reason that does not repeat the URL", arguments: [
        ("http://127.0.0.1:99999/", "port 99999 is outside 1-65535"),
        ("https://a.example:0/", "port 0 is outside 1-65535"),
        ("ftp://a.example/", "not an http:// or https:// URL"),
        ("http:///path", "no host"),
        ("not a url at all", "not a URL"),
    ])
    func refused(_ url: String, _ reason: String) {
        #expect(OutboundURL.problem(url) == reason)
    }

    @Test("an upstream's remote URL with an impossible port is a configuration error, and credentials are never echoed")
    func upstreamConfiguration() {
        #expect(throws: UpstreamError.self) { try UpstreamConfiguration(remoteURL: "http://127.0.0.1:99999") }
        do {
            _ = try UpstreamConfiguration(remoteURL: "https://robot:s3cret@registry.example")
            Issue.record("credentials in the URL must be refused")
        } catch {
            #expect(!error.message.contains("s3cret"))
        }
    }
}

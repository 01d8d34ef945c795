import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@Suite("HTTP/1.1 header limits: a request beyond them gets 431, counted")
struct HeaderLimitTests {
    /// Sends `request` on a fresh raw connection and reads the answer until Wharf ends it.
    static func answer(_ request: String, port: Int) -> (text: String, ended: Bool) {
        guard let connection = try? RawConnection(port: port) else { return ("connect failed", false) }
        defer { connection.close() }
        connection.send(request)
        let read = connection.read(upTo: 1_048_576, timeout: .seconds(10))
        return (String(decoding: read.bytes, as: UTF8.self), read.ended)
    }

    /// A request of `fields` header fields (Host and Connection: close among them), the others of `valueSize` bytes.
    static func request(fields: Int, valueSize: Int = 8) -> String {
        let value = String(repeating: "v", count: valueSize)
        let extra = (0..<max(0, fields - 2)).map { "X-Field-\($0): \(value)\r\n" }.joined()
        return "GET /v2/ HTTP/1.1\r\nHost: mirror\r\nConnection: close\r\n" + extra + "\r\n"
    }

    @Test("with the defaults, 100 header fields and 60 KiB are answered; 101 fields or 70 KB get 431 with an OCI error, and the connection ends")
    func beyondTheLimits() async throws {
        try await PullFixture.with("headerlimits") { fixture in
            let port = fixture.wharf.port
            let within = Self.answer(Self.request(fields: 100), port: port)
            #expect(within.text.hasPrefix("HTTP/1.1 200") && within.ended, "\(within.text.prefix(200))")
            let large = Self.answer(Self.request(fields: 3, valueSize: 60 * 1024), port: port)
            #expect(large.text.hasPrefix("HTTP/1.1 200"), "\(large.text.prefix(200))")

            for (name, request) in [("101 fields", Self.request(fields: 101)), ("70 KB", Self.request(fields: 3, valueSize: 70_000))] {
                let refused = Self.answer(request, port: port)
                #expect(refused.text.hasPrefix("HTTP/1.1 431"), "\(name): \(refused.text.prefix(200))")
                #expect(refused.text.contains("\"code\":\"HEADERS_TOO_LARGE\""), "\(name): \(refused.text)")
                #expect(refused.text.lowercased().contains("connection: close"), "\(name): \(refused.text)")
                #expect(refused.ended, "\(name): the connection should have ended")
            }
            let metrics = try await HTTPProbe.send(.GET, fixture.wharf.url + "/metrics").body
            #expect(ListenerLimitsTests.count("wharf_connections_cut_total", reason: "headerlimit", in: metrics) == 2)
            #expect(try await HTTPProbe.send(.GET, fixture.wharf.url + "/v2/").status == 200, "an honest client is still served")
        }
    }
}

import Foundation
import Testing

@testable import ACME

@Suite("RenewalInfo objects (RFC 9773 §4.2)")
struct RenewalInfoTests {
    func decode(_ json: String) throws -> RenewalInfo {
        try ACMEJSON.decode(RenewalInfo.self, from: Array(json.utf8))
    }

    @Test("the RFC's example: window and explanation")
    func rfcExample() throws {
        let info = try decode(#"""
            {"suggestedWindow": {"start": "2025-01-02T04:00:00Z", "end": "2025-01-03T04:00:00Z"},
             "explanationURL": "https://acme.example.com/docs/ari"}
            """#)
        #expect(info.suggestedWindow.start == Date(timeIntervalSince1970: 1_735_790_400))
        #expect(info.suggestedWindow.end == Date(timeIntervalSince1970: 1_735_876_800))
        #expect(info.suggestedWindow.isValid)
        #expect(info.explanationURL == "https://acme.example.com/docs/ari")
    }

    @Test("fractional seconds and numeric offsets; no explanation")
    func otherForms() throws {
        let info = try decode(#"{"suggestedWindow": {"start": "2025-01-02T04:00:00.123456Z", "end": "2025-01-02T06:00:00+01:00"}}"#)
        #expect(abs(info.suggestedWindow.start.timeIntervalSince1970 - 1_735_790_400.123) < 0.01)
        #expect(info.suggestedWindow.end == Date(timeIntervalSince1970: 1_735_794_000))
        #expect(info.explanationURL == nil)
    }

    @Test("an end at or before the start decodes, and is marked invalid")
    func invalidWindow() throws {
        let info = try decode(#"{"suggestedWindow": {"start": "2025-01-03T04:00:00Z", "end": "2025-01-02T04:00:00Z"}}"#)
        #expect(!info.suggestedWindow.isValid)
        #expect(!RenewalInfo.Window(start: Date(timeIntervalSince1970: 5), end: Date(timeIntervalSince1970: 5)).isValid)
    }

    @Test("bad dates and missing fields are errors, never a crash", arguments: [
        #"{"suggestedWindow": {"start": "yesterday", "end": "2025-01-02T04:00:00Z"}}"#,
        #"{"suggestedWindow": {"start": 1735790400, "end": "2025-01-02T04:00:00Z"}}"#,
        #"{"suggestedWindow": {"start": "2025-01-02T04:00:00Z"}}"#,
        #"{"explanationURL": "https://acme.example.com/docs/ari"}"#,
        #"not json"#,
    ])
    func malformed(json: String) {
        #expect(throws: (any Error).self) { try decode(json) }
    }
}

import Testing

@testable import DNS

/// Inputs found while fuzzing TSIG verification (Fuzz/Sources/FuzzTSIG).
@Suite("DNS inputs from fuzzing")
struct FuzzRegressionTests {
    /// The question's name was a pointer to byte 11, the low byte of the additional count: the
    /// root name while that count was 0, a label once a TSIG record was added. The header holds
    /// no names, so such a pointer is malformed.
    @Test("a compression pointer into the header is an error")
    func pointerIntoHeader() {
        let bytes: [UInt8] = [0x12, 0x34, 0x85, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0B, 0xF7, 0x6C, 0, 0]
        let error = #expect(throws: DNSError.self) { try DNSMessage(decoding: bytes) }
        #expect(error?.kind == .malformedMessage)
        #expect(error?.description.contains("header") == true)
    }

    @Test("a pointer just past the header still decodes")
    func pointerPastHeader() throws {
        let header: [UInt8] = [0, 1, 0x81, 0x80, 0, 2, 0, 0, 0, 0, 0, 0]
        let bytes = header + [1, 0x61, 0, 0, 16, 0, 1] + [0xC0, 12, 0, 1, 0, 1]
        let message = try DNSMessage(decoding: bytes)
        #expect(message.questions.map(\.name) == [try DNSName("a"), try DNSName("a")])
    }
}

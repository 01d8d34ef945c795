import Testing

@testable import DNS

@Suite("DNS names")
struct DNSNameTests {
    @Test("text form round-trips, with and without the trailing dot")
    func textRoundTrip() throws {
        #expect(try DNSName("Mirror.Example.com").description == "Mirror.Example.com.")
        #expect(try DNSName("mirror.example.com.").description == "mirror.example.com.")
        #expect(try DNSName(".") == .root)
        #expect(DNSName.root.description == ".")
        let escaped = try DNSName(#"a\.b\\c\009.example"#)
        #expect(escaped.labels.first == Array("a.b\\c\t".utf8))
        #expect(try DNSName(escaped.description) == escaped)
    }

    @Test("names compare and hash without regard to ASCII case")
    func caseInsensitive() throws {
        let upper = try DNSName("_ACME-Challenge.EXAMPLE.test")
        let lower = try DNSName("_acme-challenge.example.test.")
        #expect(upper == lower)
        #expect(Set([upper, lower]).count == 1)
        #expect(upper.isWithin(try DNSName("Example.TEST")))
        #expect(!upper.isWithin(try DNSName("other.test")))
        #expect(upper.isWithin(.root))
    }

    @Test("parent walks up to the root")
    func parents() throws {
        var name: DNSName? = try DNSName("a.b.c")
        var seen: [String] = []
        while let current = name {
            seen.append(current.description)
            name = current.parent
        }
        #expect(seen == ["a.b.c.", "b.c.", "c.", "."])
    }

    @Test(
        "invalid names are refused with the reason",
        arguments: [
            "", "a..b", ".a", String(repeating: "x", count: 64) + ".test",
            Array(repeating: String(repeating: "y", count: 60), count: 5).joined(separator: "."), #"a\"#, #"a\25"#, #"a\300"#,
        ]
    )
    func invalid(text: String) {
        #expect(throws: DNSError.self) { try DNSName(text) }
        do {
            _ = try DNSName(text)
        } catch let error as DNSError {
            #expect(error.kind == .invalidName)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

import Testing

@testable import ACME

@Suite("base64url")
struct Base64URLTests {
    @Test("encodes the RFC 4648 test vectors without padding")
    func rfc4648Vectors() {
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(plain) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test("uses - and _ where base64 has + and /")
    func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test("decodes padded and standard-alphabet text, as some CAs hand out EAB keys")
    func lenientDecoding() {
        #expect(Base64URL.decode("Zm8=") == Array("fo".utf8))
        #expect(Base64URL.decode("+/+/") == [0xFB, 0xFF, 0xBF])
    }

    @Test("refuses text that is not base64", arguments: ["a", "Zm9v!", "Zm 9v"])
    func refusesGarbage(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("round-trips every length up to 64 bytes")
    func roundTrip() {
        for length in 0...64 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(Base64URL.decode(encoded) == bytes)
        }
    }
}

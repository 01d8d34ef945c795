import Registry
import Testing

@Suite("Digest parsing")
struct DigestTests {
    static let hex64 = String(repeating: "ab", count: 32)

    @Test("a sha256 digest of 64 lower-case hex characters parses")
    func parsesSHA256() throws {
        let digest = try Digest(parsing: "sha256:\(Self.hex64)")
        #expect(digest.algorithm == .sha256)
        #expect(digest.hex == Self.hex64)
        #expect(digest.description == "sha256:\(Self.hex64)")
    }

    @Test("a sha512 digest needs 128 hex characters")
    func parsesSHA512() throws {
        let digest = try Digest(parsing: "sha512:" + String(repeating: "0f", count: 64))
        #expect(digest.algorithm == .sha512)
        #expect(throws: RegistryError.self) { try Digest(parsing: "sha512:\(Self.hex64)") }
    }

    @Test(
        "malformed digests are DIGEST_INVALID",
        arguments: [
            "", "sha256", "sha256:", "sha256:abc", "md5:\(hex64)", "SHA256:\(hex64)",
            "sha256:\(hex64.uppercased())", "sha256:\(hex64)0", "sha256:../../../../etc/passwd",
            "sha256:" + String(repeating: "g", count: 64), ":\(hex64)",
        ]
    )
    func rejectsMalformed(_ text: String) {
        #expect {
            try Digest(parsing: text)
        } throws: { error in
            (error as? RegistryError)?.code == .digestInvalid
        }
    }
}

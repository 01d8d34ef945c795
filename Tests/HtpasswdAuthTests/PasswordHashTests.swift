import Foundation
import Testing
import WharfTesting

@testable import HtpasswdAuth

@Suite("Password hashes, against Apache's htpasswd")
struct PasswordHashTests {
    @Test(
        "Hashes Apache writes verify: bcrypt cost 5 and 10, SHA-256 and SHA-512 crypt",
        arguments: [["-B", "-C", "5"], ["-B", "-C", "10"], ["-2"], ["-5"], ["-5", "-r", "6000"]]
    )
    func apacheHashesVerify(flags: [String]) async throws {
        let password = "p@ss wörd:with colon"
        let line = try await Apache.entry(flags, user: "alice", password: password)
        let file = try HtpasswdFile.parse(line + "\n", path: "f")
        let hash = try #require(file.hash(for: "alice"))
        #expect(PasswordHash.verify(password: password, against: hash))
        #expect(!PasswordHash.verify(password: password + " ", against: hash))
        #expect(!PasswordHash.verify(password: "", against: hash))
    }

    @Test("bcrypt written here is $2y$ of the asked cost, and Apache's htpasswd -vb accepts it")
    func bcryptVerifiedByApache() async throws {
        let fixture = try HtpasswdFixture()
        let password = "correct horse battery staple"
        let hash = try PasswordHash.bcrypt(password: password, cost: 5)
        #expect(hash.hasPrefix("$2y$05$"))
        #expect(hash.count == 60)
        try fixture.write("bob:\(hash)\n")
        #expect(try await Apache.verifies(file: fixture.path, user: "bob", password: password))
        #expect(try await !Apache.verifies(file: fixture.path, user: "bob", password: "wrong"))
        #expect(PasswordHash.verify(password: password, against: hash))
        #expect(try PasswordHash.bcrypt(password: password, cost: 5) != hash, "salts must differ")
    }

    @Test("bcrypt refuses costs out of range, NUL bytes and passwords it would cut at 72 bytes")
    func bcryptRefusals() throws {
        #expect(throws: PasswordHashError.self) { try PasswordHash.bcrypt(password: "x", cost: 3) }
        #expect(throws: PasswordHashError.self) { try PasswordHash.bcrypt(password: "x", cost: 18) }
        let nul = try #require(throws: PasswordHashError.self) { try PasswordHash.bcrypt(password: "a\u{0}b", cost: 4) }
        #expect(nul.isInvalidPassword)
        let long = try #require(throws: PasswordHashError.self) {
            try PasswordHash.bcrypt(password: String(repeating: "x", count: 73), cost: 4)
        }
        #expect(long.isInvalidPassword)
        #expect(!long.description.contains("xxxx"))
        _ = try PasswordHash.bcrypt(password: String(repeating: "x", count: 72), cost: 4)
    }

    @Test("verify refuses weak formats even when the password matches them")
    func verifyRefusesWeakFormats() async throws {
        for flag in ["-m", "-s", "-p", "-d"] {
            let line = try await Apache.entry([flag], user: "u", password: "pw")
            let hash = String(line.split(separator: ":", maxSplits: 1)[1])
            #expect(!PasswordHash.verify(password: "pw", against: hash), "\(flag)")
        }
        #expect(!PasswordHash.verify(password: "", against: ""))
    }

    @Test("The dummy setting for unknown users is one libcrypt takes, at the default cost")
    func dummySetting() {
        let setting = AuthenticatorState.fallbackSetting
        #expect(PasswordHash.crypt(Array("anything".utf8), setting: setting)?.count == 60)
        #expect(setting.hasPrefix("$2y$12$"))
        #expect(PasswordHash.bcryptSetting(cost: 12)?.hasPrefix("$2y$12$") == true)
    }

    @Test("Constant-time comparison compares")
    func constantTimeEquals() {
        #expect(PasswordHash.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!PasswordHash.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!PasswordHash.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!PasswordHash.constantTimeEquals([1, 2], [1, 2, 0]))
        #expect(PasswordHash.constantTimeEquals([], []))
    }
}

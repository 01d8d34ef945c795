import Foundation
import Testing
import WharfTesting

@testable import HtpasswdAuth

@Suite("Editing htpasswd files")
struct HtpasswdEditorTests {
    @Test("add creates the file with mode 0600 and a $2y$ cost-12 entry that Apache verifies")
    func addCreates() async throws {
        let fixture = try HtpasswdFixture()
        try FileManager.default.removeItem(atPath: fixture.path)
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "s3cret")
        let text = try String(contentsOfFile: fixture.path, encoding: .utf8)
        #expect(text.hasPrefix("alice:$2y$12$"))
        #expect(text.hasSuffix("\n"))
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try await Apache.verifies(file: fixture.path, user: "alice", password: "s3cret"))
        #expect(try await !Apache.verifies(file: fixture.path, user: "alice", password: "s3cre"))
        #expect(try await HtpasswdEditor.verify(file: fixture.path, user: "alice", password: "s3cret"))
        #expect(try await !HtpasswdEditor.verify(file: fixture.path, user: "alice", password: "nope"))
        #expect(try await !HtpasswdEditor.verify(file: fixture.path, user: "nobody", password: "s3cret"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path)
        #expect(leftovers == ["htpasswd"])
    }

    @Test("add replaces a user's line where it is, keeps every other line, and tightens the mode to 0600")
    func addReplaces() async throws {
        let bob = try await Apache.entry(["-m"], user: "bob", password: "b")  // weak, but not ours to judge
        let alice = try await Apache.entry(["-B", "-C", "4"], user: "alice", password: "old")
        let fixture = try HtpasswdFixture("# team\n\(alice)\n\n\(bob)\n# end\n")
        chmod(fixture.path, 0o644)
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "new", cost: 5)
        let lines = try String(contentsOfFile: fixture.path, encoding: .utf8).components(separatedBy: "\n")
        #expect(lines.count == 6)
        #expect(lines[0] == "# team")
        #expect(lines[1].hasPrefix("alice:$2y$05$"))
        #expect(lines[2] == "")
        #expect(lines[3] == bob)
        #expect(lines[4] == "# end")
        #expect(lines[5] == "")
        #expect(try await Apache.verifies(file: fixture.path, user: "alice", password: "new"))
        #expect(try await !Apache.verifies(file: fixture.path, user: "alice", password: "old"))
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        try await HtpasswdEditor.add(file: fixture.path, user: "carol", password: "c", cost: 4)
        let after = try String(contentsOfFile: fixture.path, encoding: .utf8).components(separatedBy: "\n")
        #expect(after.count == 7 && after[5].hasPrefix("carol:$2y$04$") && after[6] == "")
    }

    @Test("CRLF files stay CRLF")
    func keepsCRLF() async throws {
        let alice = try await Apache.entry(["-B", "-C", "4"], user: "alice", password: "a")
        let fixture = try HtpasswdFixture("# crlf\r\n\(alice)\r\n")
        try await HtpasswdEditor.add(file: fixture.path, user: "bob", password: "b", cost: 4)
        let text = try String(contentsOfFile: fixture.path, encoding: .utf8)
        #expect(text.hasPrefix("# crlf\r\n\(alice)\r\nbob:$2y$04$"))
        #expect(text.hasSuffix("\r\n"))
        #expect(try await HtpasswdFile.load(path: fixture.path).users == ["alice", "bob"])
    }

    @Test("delete removes the user and only them, and says whether they were there")
    func delete() async throws {
        let alice = try await Apache.entry(["-B", "-C", "4"], user: "alice", password: "a")
        let bob = try await Apache.entry(["-B", "-C", "4"], user: "bob", password: "b")
        let fixture = try HtpasswdFixture("\(alice)\n# keep me\n\(bob)\n")
        #expect(try await HtpasswdEditor.delete(file: fixture.path, user: "alice"))
        #expect(try String(contentsOfFile: fixture.path, encoding: .utf8) == "# keep me\n\(bob)\n")
        #expect(try await !HtpasswdEditor.delete(file: fixture.path, user: "alice"))
        #expect(try await Apache.verifies(file: fixture.path, user: "bob", password: "b"))
        await #expect(throws: HtpasswdError.self) { try await HtpasswdEditor.delete(file: fixture.folder.file("missing"), user: "x") }
    }

    @Test("Users with ':', line breaks, a leading '#', surrounding spaces, or empty are refused")
    func invalidUsers() async throws {
        let fixture = try HtpasswdFixture()
        for user in ["a:b", "a\nb", "a\r\nb", "", "#root", " alice", "alice\t"] {
            let error = try await #require(throws: HtpasswdError.self, "\(String(reflecting: user))") {
                try await HtpasswdEditor.add(file: fixture.path, user: user, password: "pw", cost: 4)
            }
            #expect(error.kind == .invalidUser)
        }
        #expect(try String(contentsOfFile: fixture.path, encoding: .utf8) == "")
    }

    @Test("verify of a weak entry says how to re-create it")
    func verifyWeakEntry() async throws {
        let weak = try await Apache.entry(["-m"], user: "old", password: "pw")
        let fixture = try HtpasswdFixture("\(weak)\n")
        let error = try await #require(throws: HtpasswdError.self) {
            try await HtpasswdEditor.verify(file: fixture.path, user: "old", password: "pw")
        }
        #expect(error.kind == .refusedHash)
        #expect(error.line == 1)
        #expect(error.description.contains("wharf htpasswd add"))
    }

    @Test("A password bcrypt would cut is refused, naming the user but not the password")
    func longPassword() async throws {
        let fixture = try HtpasswdFixture()
        let password = String(repeating: "z", count: 80)
        let error = try await #require(throws: HtpasswdError.self) {
            try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: password, cost: 4)
        }
        #expect(error.kind == .invalidPassword)
        #expect(!error.description.contains("zzzz"))
    }
}

import Foundation
import Testing
import WharfTesting

@testable import HtpasswdAuth

@Suite("Reading htpasswd files")
struct HtpasswdFileTests {
    @Test("Weak formats Apache writes (-m, -s, -p, -d) are refused, naming file, line and user, and saying how to fix it")
    func weakFormatsRefused() async throws {
        let strong = try await Apache.entry(["-B", "-C", "5"], user: "good", password: "pw")
        for flag in ["-m", "-s", "-p", "-d"] {
            let weak = try await Apache.entry([flag], user: "weak\(flag)", password: "secret-pw")
            let text = "# users\n\(strong)\n\(weak)\n"
            let error = try #require(throws: HtpasswdError.self, "htpasswd \(flag)") {
                try HtpasswdFile.parse(text, path: "/etc/wharf/htpasswd")
            }
            #expect(error.kind == .refusedHash)
            #expect(error.file == "/etc/wharf/htpasswd")
            #expect(error.line == 3)
            #expect(error.user == "weak\(flag)")
            let description = error.description
            #expect(description.hasPrefix("/etc/wharf/htpasswd:3: user \"weak\(flag)\": "))
            #expect(description.contains("htpasswd -B -C 12 /etc/wharf/htpasswd weak\(flag)"))
            #expect(description.contains("wharf htpasswd add /etc/wharf/htpasswd weak\(flag)"))
            #expect(!description.contains("secret-pw"), "the error shows the plain-text password")
            #expect(!description.contains(String(weak.split(separator: ":", maxSplits: 1)[1])), "the error shows the hash")
        }
    }

    @Test("Each weak format is named for what it is")
    func weakFormatNames() async throws {
        let cases: [(String, String)] = [("-m", "apr1"), ("-s", "SHA-1"), ("-p", "plain text"), ("-d", "DES crypt")]
        for (flag, name) in cases {
            let line = try await Apache.entry([flag], user: "u", password: "pw")
            let error = try #require(throws: HtpasswdError.self) { try HtpasswdFile.parse(line, path: "f") }
            #expect(error.message.contains(name), "\(flag): \(error.message)")
        }
    }

    @Test("bcrypt $2y$, $2b$, $2a$ and SHA-crypt $5$, $6$ are accepted; $2x$, yescrypt and MD5 crypt are not")
    func acceptedFormats() throws {
        let salt = "abcdefghijklmnopqrstuu"
        let digest31 = String(repeating: "a", count: 31)
        let accepted = [
            "a:$2y$05$\(salt)\(digest31)",
            "b:$2b$12$\(salt)\(digest31)",
            "c:$2a$10$\(salt)\(digest31)",
            "d:$5$saltsalt$\(String(repeating: "b", count: 43))",
            "e:$6$rounds=10000$saltsalt$\(String(repeating: "c", count: 86))",
        ]
        let file = try HtpasswdFile.parse(accepted.joined(separator: "\n"), path: "f")
        #expect(file.users == ["a", "b", "c", "d", "e"])
        for refused in ["$2x$05$\(salt)\(digest31)", "$y$j9T$salt$hash", "$1$salt$hashhashhashhashhashha", "$2y$05$short"] {
            let error = try #require(throws: HtpasswdError.self, "\(refused)") {
                try HtpasswdFile.parse("u:\(refused)", path: "f")
            }
            #expect(error.kind == .refusedHash)
            #expect(error.line == 1)
        }
    }

    @Test("Malformed lines name the file and the line")
    func malformedLines() throws {
        let good = "ok:$2y$05$abcdefghijklmnopqrstuu\(String(repeating: "a", count: 31))"
        let cases: [(String, String)] = [
            ("no-colon-here", "no ':'"),
            (":$2y$05$abc", "user name is empty"),
            ("bob:", "hash is empty"),
            ("bob:   ", "hash is empty"),
        ]
        for (line, reason) in cases {
            let error = try #require(throws: HtpasswdError.self, "\(line)") {
                try HtpasswdFile.parse("\(good)\n\n\(line)\n", path: "/srv/htpasswd")
            }
            #expect(error.kind == .malformedLine)
            #expect(error.line == 3)
            #expect(error.description.hasPrefix("/srv/htpasswd:3: "))
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test("A duplicate user names both lines")
    func duplicateUser() async throws {
        let first = try await Apache.entry(["-B", "-C", "4"], user: "alice", password: "one")
        let second = try await Apache.entry(["-B", "-C", "4"], user: "alice", password: "two")
        let error = try #require(throws: HtpasswdError.self) {
            try HtpasswdFile.parse("\(first)\n# again\n\(second)\n", path: "f")
        }
        #expect(error.kind == .duplicateUser)
        #expect(error.line == 3)
        #expect(error.user == "alice")
        #expect(error.message.contains("line 1"))
    }

    @Test("CRLF line endings, comments, blank lines, surrounding whitespace and a missing final newline are fine")
    func lenientLayout() async throws {
        let alice = try await Apache.entry(["-B", "-C", "4"], user: "alice", password: "a-pass")
        let bob = try await Apache.entry(["-B", "-C", "4"], user: "bob", password: "b-pass")
        let text = "# Wharf users\r\n\r\n  \(alice)  \r\n   # indented comment\r\n\t\(bob)"
        let file = try HtpasswdFile.parse(text, path: "f")
        #expect(file.users == ["alice", "bob"])
        let hash = try #require(file.hash(for: "alice"))
        #expect(!hash.hasSuffix("\r") && !hash.hasSuffix(" "))
        #expect(PasswordHash.verify(password: "a-pass", against: hash))
        #expect(file.hash(for: "carol") == nil)
        #expect(try HtpasswdFile.parse("", path: "f").users.isEmpty)
        #expect(try HtpasswdFile.parse("\n# nobody\n", path: "f").users.isEmpty)
    }

    @Test("A missing, unreadable or non-text file is an error that names it")
    func unreadableFiles() async throws {
        let fixture = try HtpasswdFixture()
        let missing = fixture.folder.file("nope")
        let error = try await #require(throws: HtpasswdError.self) { try await HtpasswdFile.load(path: missing) }
        #expect(error.kind == .unreadable)
        #expect(error.description == "\(missing): cannot read the htpasswd file: the file does not exist")

        let folder = try await #require(throws: HtpasswdError.self) { try await HtpasswdFile.load(path: fixture.folder.path) }
        #expect(folder.kind == .unreadable)
        #expect(folder.description.hasPrefix(fixture.folder.path))

        try [UInt8]([0x61, 0x3A, 0xFF, 0xFE]).withUnsafeBytes { bytes in
            try #require(FileManager.default.createFile(atPath: fixture.path, contents: Data(bytes)))
        }
        let binary = try await #require(throws: HtpasswdError.self) { try await HtpasswdFile.load(path: fixture.path) }
        #expect(binary.description.contains("not UTF-8"))
    }
}

import FileIO
import Foundation
import Testing
import WharfTesting

@Suite("AtomicFile replaces a file whole, with the mode asked for")
struct AtomicFileTests {
    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
    }

    @Test("the file gets the bytes and the mode, replaces an old one, and no temporary file is left")
    func writesAndReplaces() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-atomic")
        defer { folder.remove() }
        let path = folder.file("secret.key")
        try await AtomicFile.write(Array("first\n".utf8), to: path, mode: 0o600)
        try await AtomicFile.write(Array("second\n".utf8), to: path, mode: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        #expect(try mode(path) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["secret.key"])

        let certificate = folder.file("public.pem")
        try await AtomicFile.write(Array("cert\n".utf8), to: certificate, mode: 0o644)
        #expect(try mode(certificate) == 0o644)
        try await AtomicFile.write([], to: certificate, mode: 0o640)
        #expect(try mode(certificate) == 0o640)
        #expect(try Data(contentsOf: URL(fileURLWithPath: certificate)).isEmpty)
    }

    @Test("a symbolic link is replaced by the file, and its target is left alone")
    func replacesLink() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-atomic")
        defer { folder.remove() }
        let target = folder.file("target")
        try "old\n".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link"), withDestinationPath: "target")
        try await AtomicFile.write(Array("new\n".utf8), to: folder.file("link"), mode: 0o600)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n")
        #expect(try String(contentsOfFile: folder.file("link"), encoding: .utf8) == "new\n")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: folder.file("link"))) == nil)
    }

    @Test("a failed write names the file, leaves the old one and no temporary file")
    func failureLeavesNothing() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-atomic")
        defer { folder.remove() }
        let missing = folder.file("absent/x.pem")
        let noFolder = await #expect(throws: FileIOError.self) {
            try await AtomicFile.write(Array("x".utf8), to: missing, mode: 0o600)
        }
        #expect(noFolder?.message.contains(folder.file("absent")) == true)
        #expect(noFolder?.isNotFound == true)

        // The rename fails (a folder is in the way) after the temporary file was written.
        let blocked = try folder.folder("blocked")
        try "keep\n".write(toFile: blocked + "/inside", atomically: false, encoding: .utf8)
        let renameFailure = await #expect(throws: FileIOError.self) {
            try await AtomicFile.write(Array("x".utf8), to: blocked, mode: 0o600)
        }
        #expect(renameFailure?.reason.hasPrefix("rename") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["blocked"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: blocked) == ["inside"])
    }
}

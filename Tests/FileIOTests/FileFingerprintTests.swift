import FileIO
import Foundation
import Testing
import WharfTesting

@Suite("FileFingerprint notices changed and replaced files, through symbolic links")
struct FileFingerprintTests {
    @Test("a missing file has none; new content or a rename over it changes it")
    func noticesChanges() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-fingerprint")
        defer { folder.remove() }
        let path = folder.file("live.pem")
        #expect(await FileFingerprint.of(path) == nil)

        try await AtomicFile.write(Array("one\n".utf8), to: path, mode: 0o644)
        let first = try #require(await FileFingerprint.of(path))
        #expect(await FileFingerprint.of(path) == first)
        try await AtomicFile.write(Array("two\n".utf8), to: path, mode: 0o644)
        #expect(await FileFingerprint.of(path) != first)

        // Rewritten in place with another length: same inode, new size.
        let inPlace = try #require(await FileFingerprint.of(path))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data("three\n".utf8))
        try handle.close()
        let rewritten = try #require(await FileFingerprint.of(path))
        #expect(rewritten.inode == inPlace.inode)
        #expect(rewritten != inPlace)
    }

    @Test("swapping a Kubernetes-style link target changes it")
    func followsLinks() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-fingerprint")
        defer { folder.remove() }
        // The secret volume layout: cert.pem -> ..data/cert.pem, ..data -> a dated folder.
        let versionA = try folder.folder("v1")
        let versionB = try folder.folder("v2")
        try "a\n".write(toFile: versionA + "/cert.pem", atomically: false, encoding: .utf8)
        try "b\n".write(toFile: versionB + "/cert.pem", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.file("..data"), withDestinationPath: "v1")
        try FileManager.default.createSymbolicLink(atPath: folder.file("cert.pem"), withDestinationPath: "..data/cert.pem")
        let linked = try #require(await FileFingerprint.of(folder.file("cert.pem")))
        try FileManager.default.createSymbolicLink(atPath: folder.file("..data.new"), withDestinationPath: "v2")
        #expect(rename(folder.file("..data.new"), folder.file("..data")) == 0)
        #expect(await FileFingerprint.of(folder.file("cert.pem")) != linked)
    }
}

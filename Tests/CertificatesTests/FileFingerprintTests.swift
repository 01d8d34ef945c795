@testable import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("FileFingerprint notices replaced files, through symbolic links")
struct FileFingerprintTests {
    @Test("a missing file has none; a rename over it or a swapped link target changes it")
    func noticesReplacement() throws {
        let folder = try TemporaryFolder(prefix: "wharf-fingerprint")
        defer { folder.remove() }
        let path = folder.file("live.pem")
        #expect(FileFingerprint.of(path) == nil)

        try PEMFile.writeAtomically("one\n", to: path, mode: 0o644)
        let first = try #require(FileFingerprint.of(path))
        #expect(FileFingerprint.of(path) == first)
        try PEMFile.writeAtomically("two\n", to: path, mode: 0o644)
        #expect(FileFingerprint.of(path) != first)

        // The Kubernetes secret layout: live.pem -> ..data/live.pem, ..data -> a dated folder.
        let versionA = try folder.folder("v1")
        let versionB = try folder.folder("v2")
        try "a\n".write(toFile: versionA + "/cert.pem", atomically: false, encoding: .utf8)
        try "b\n".write(toFile: versionB + "/cert.pem", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.file("..data"), withDestinationPath: "v1")
        try FileManager.default.createSymbolicLink(atPath: folder.file("cert.pem"), withDestinationPath: "..data/cert.pem")
        let linked = try #require(FileFingerprint.of(folder.file("cert.pem")))
        try FileManager.default.createSymbolicLink(atPath: folder.file("..data.new"), withDestinationPath: "v2")
        #expect(rename(folder.file("..data.new"), folder.file("..data")) == 0)
        #expect(FileFingerprint.of(folder.file("cert.pem")) != linked)
    }
}

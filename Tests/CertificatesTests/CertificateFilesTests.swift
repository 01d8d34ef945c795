import Foundation
import Testing
import WharfTesting

@testable import Certificates

@Suite("certificate files are written atomically with the mode asked for, and errors name them")
struct CertificateFilesTests {
    @Test("the file gets the text and the mode; no temporary file is left; an old file is replaced whole")
    func writesAtomically() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-pem-file")
        defer { folder.remove() }
        let path = folder.file("secret.key")
        try await CertificateFiles.write("first\n", to: path, mode: 0o600)
        try await CertificateFiles.write("second\n", to: path, mode: 0o600)
        #expect(try await CertificateFiles.read(path) == "second\n")
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["secret.key"])
    }

    @Test("writing into a missing folder fails, naming it, and reading a missing file names it")
    func failuresNameTheFile() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-pem-file")
        defer { folder.remove() }
        let missing = folder.file("absent/x.pem")
        let writeError = try await #require(throws: TLSCertificateError.self) {
            try await CertificateFiles.write("x", to: missing, mode: 0o600)
        }
        #expect(writeError.kind == .writeFailed)
        #expect(writeError.description.contains(folder.file("absent")))
        let readError = try await #require(throws: TLSCertificateError.self) { try await CertificateFiles.read(missing) }
        #expect(readError.kind == .unreadableFile)
        #expect(readError.description == "cannot read \(missing): the file does not exist")
    }
}

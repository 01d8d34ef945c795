import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("PEMFile writes atomically with the mode asked for")
struct PEMFileTests {
    @Test("the file gets the text and the mode; no temporary file is left; an old file is replaced whole")
    func writesAtomically() throws {
        let folder = try TemporaryFolder(prefix: "wharf-pem-file")
        defer { folder.remove() }
        let path = folder.file("secret.key")
        try PEMFile.writeAtomically("first\n", to: path, mode: 0o600)
        try PEMFile.writeAtomically("second\n", to: path, mode: 0o600)
        #expect(try PEMFile.read(path) == "second\n")
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? -1) & 0o777
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["secret.key"])

        let certificate = folder.file("public.pem")
        try PEMFile.writeAtomically("cert\n", to: certificate, mode: 0o644)
        let certificateMode = (try FileManager.default.attributesOfItem(atPath: certificate)[.posixPermissions] as? Int ?? -1) & 0o777
        #expect(certificateMode == 0o644)
    }

    @Test("writing into a missing folder fails, naming it, and reading a missing file names it")
    func failuresNameTheFile() throws {
        let folder = try TemporaryFolder(prefix: "wharf-pem-file")
        defer { folder.remove() }
        let missing = folder.file("absent/x.pem")
        let writeError = try #require(throws: CertificateError.self) {
            try PEMFile.writeAtomically("x", to: missing, mode: 0o600)
        }
        #expect(writeError.kind == .writeFailed)
        #expect(writeError.description.contains(folder.file("absent")))
        let readError = try #require(throws: CertificateError.self) { try PEMFile.read(missing) }
        #expect(readError.kind == .unreadableFile)
        #expect(readError.description.contains("No such file"))
    }
}

import Foundation
import Testing
import WharfTesting

@testable import DNS
@testable import DNS01

@Suite("starting hook programs")
struct HookProcessTests {
    @Test("a script still open for writing elsewhere (ETXTBSY) is started once it is closed, not reported as failed")
    func textFileBusy() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-hook-busy")
        defer { folder.remove() }
        let script = folder.file("hook.sh")
        try "#!/bin/sh\necho started\n".write(toFile: script, atomically: true, encoding: .utf8)
        #expect(chmod(script, 0o755) == 0)
        // What a child forked by another thread holds for a moment: the script open for writing.
        let writer = open(script, O_WRONLY)
        try #require(writer >= 0)
        async let released: Void = {
            try? await Task.sleep(for: .milliseconds(150))
            close(writer)
        }()
        let outcome = try await HookProcess.run(script, [], environment: [:], timeout: .seconds(10), describing: "the test hook")
        await released
        #expect(outcome.status == 0 && !outcome.signalled)
        #expect(outcome.stdoutTail.contains("started"))
    }
}

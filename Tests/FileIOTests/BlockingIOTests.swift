import FileIO
import Foundation
import Testing

@Suite("BlockingIO runs blocking work on NIO's thread pool")
struct BlockingIOTests {
    private struct Refusal: Error, Equatable {
        let reason: String
    }

    @Test("the result and the typed error come back")
    func resultAndError() async throws {
        #expect(await BlockingIO.run { 6 * 7 } == 42)
        let error = await #expect(throws: Refusal.self) {
            try await BlockingIO.run { () throws(Refusal) -> Int in throw Refusal(reason: "no") }
        }
        #expect(error == Refusal(reason: "no"))
    }

    @Test("the work runs even when the task was cancelled, so a release is never skipped")
    func runsWhenCancelled() async {
        let task = Task { () -> Bool in
            withUnsafeCurrentTask { $0?.cancel() }
            return await BlockingIO.run { true }
        }
        #expect(await task.value)
    }
}

import Testing

@testable import Certificates

@Suite("listener readiness before the first order")
struct ListenerReadinessTests {
    @Test("ready only once every expected listener said it is bound")
    func counts() async {
        let readiness = ListenerReadiness(expected: 2)
        #expect(!readiness.isReady)
        readiness.listening()
        #expect(!readiness.isReady, "one of two listeners is not enough")
        readiness.listening()
        #expect(readiness.isReady)
        await readiness.wait(atMost: .seconds(60))   // returns at once; a hang fails the suite's time limit
    }

    @Test("a wait ends when the last listener binds, not at its limit")
    func wakes() async {
        let readiness = ListenerReadiness(expected: 1)
        async let waited: Void = readiness.wait(atMost: .seconds(600))
        try? await Task.sleep(for: .milliseconds(50))
        readiness.listening()
        await waited
        #expect(readiness.isReady)
    }

    @Test("a listener that never binds does not hold the order for ever")
    func limit() async {
        let readiness = ListenerReadiness(expected: 1)
        await readiness.wait(atMost: .milliseconds(50))
        #expect(!readiness.isReady)
    }
}

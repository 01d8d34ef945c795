import FileIO
import Testing

@Suite("ChangeDebouncer acts on a change once it holds still, once")
struct ChangeDebouncerTests {
    /// Two files' states at one poll; nil where a file is missing.
    private struct Pair: Equatable, Sendable {
        var first: Int?
        var second: Int?
    }

    @Test("a change is acted on at the poll after it was first seen, and only once")
    func settlesThenLoadsOnce() {
        var debouncer = ChangeDebouncer(handled: Pair(first: 1, second: 1))
        let polls = [
            Pair(first: 1, second: 1),  // unchanged
            Pair(first: 1, second: 2),  // second replaced
            Pair(first: 2, second: 2),  // first replaced: still moving
            Pair(first: 2, second: 2),  // settled: load
            Pair(first: 2, second: 2),  // loaded (or refused): not again
            Pair(first: nil, second: 2),  // first removed
            Pair(first: nil, second: 2),  // settled while missing: try (and be refused)
            Pair(first: 3, second: 2),  // back
            Pair(first: 3, second: 2),  // settled: load
        ]
        let decisions = polls.map { debouncer.observe($0) }
        #expect(decisions == [false, false, false, true, false, false, true, false, true])
    }

    @Test("a change that reverts before it settles is not loaded")
    func revertIsIgnored() {
        var debouncer = ChangeDebouncer(handled: Pair(first: 1, second: 1))
        let decisions = [Pair(first: 5, second: 1), Pair(first: 1, second: 1), Pair(first: 1, second: 1)].map { debouncer.observe($0) }
        #expect(decisions == [false, false, false])
    }

    @Test("a state loaded elsewhere meanwhile is not loaded again; a missing file is a state too")
    func handledFromOutside() {
        var debouncer = ChangeDebouncer<Int?>(handled: 1)
        var decisions = [debouncer.observe(2)]
        debouncer.handled = 2
        decisions += [debouncer.observe(2), debouncer.observe(nil), debouncer.observe(nil)]
        #expect(decisions == [false, false, false, true])
        #expect(debouncer.handled == nil)
    }
}

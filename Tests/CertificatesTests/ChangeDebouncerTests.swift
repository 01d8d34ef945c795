@testable import Certificates
import Foundation
import Testing

@Suite("ChangeDebouncer loads a change once it holds still, once")
struct ChangeDebouncerTests {
    private func snapshot(_ certificate: Int64?, _ key: Int64?) -> FilePairSnapshot {
        func fingerprint(_ value: Int64?) -> FileFingerprint? {
            value.map { FileFingerprint(device: 1, inode: 1, size: $0, modified: TimeInterval($0)) }
        }
        return FilePairSnapshot(certificate: fingerprint(certificate), key: fingerprint(key))
    }

    @Test("a change is acted on at the poll after it was first seen, and only once")
    func settlesThenLoadsOnce() {
        var debouncer = ChangeDebouncer(handled: snapshot(1, 1))
        let polls = [
            snapshot(1, 1),  // unchanged
            snapshot(1, 2),  // key replaced
            snapshot(2, 2),  // certificate replaced: still moving
            snapshot(2, 2),  // settled: load
            snapshot(2, 2),  // loaded (or refused): not again
            snapshot(nil, 2),  // certificate removed
            snapshot(nil, 2),  // settled while missing: try (and be refused)
            snapshot(3, 2),  // back
            snapshot(3, 2),  // settled: load
        ]
        let decisions = polls.map { debouncer.observe($0) }
        #expect(decisions == [false, false, false, true, false, false, true, false, true])
    }

    @Test("a change that reverts before it settles is not loaded")
    func revertIsIgnored() {
        var debouncer = ChangeDebouncer(handled: snapshot(1, 1))
        let decisions = [snapshot(5, 1), snapshot(1, 1), snapshot(1, 1)].map { debouncer.observe($0) }
        #expect(decisions == [false, false, false])
    }
}

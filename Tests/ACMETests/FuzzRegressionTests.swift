import Foundation
import Testing

@testable import ACME

/// Inputs found while fuzzing header parsing (Fuzz/Sources/FuzzHeaders).
@Suite("ACME inputs from fuzzing")
struct FuzzRegressionTests {
    /// swift-corelibs-foundation's DateFormatter traps ("Incorrect range") on text with a
    /// combining mark, so a CA's Retry-After header could stop Wharf.
    @Test("a Retry-After with a combining mark is no value, not a trap in DateFormatter")
    func combiningMarkInRetryAfter() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.parse("S\u{33E}", now: now) == nil)
        #expect(RetryAfter.parse("Sun\u{33E} 19 6 1994", now: now) == nil)
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:14:50 GMT", now: now) == .seconds(90))
    }
}

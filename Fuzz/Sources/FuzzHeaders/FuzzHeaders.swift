import Foundation
import Registry

@testable import ACME

/// Header values Wharf parses from clients and servers: `Accept` and `Range` (from clients),
/// `Retry-After` and `Link` (from the ACME server). None traps; what parses prints back to
/// the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let printableASCII = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }

    // Accept: several header values, one per line.
    let accept = AcceptHeader(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    for type in accept.mediaTypes {
        precondition(!type.isEmpty && !type.contains(","))
        precondition(accept.accepts(type))
    }
    let upstream = accept.upstreamValue
    if printableASCII {
        let again = AcceptHeader([upstream])
        precondition(Set(accept.mediaTypes.filter { !$0.hasSuffix("/*") }).isSubset(of: again.mediaTypes))
        precondition(!again.isEmpty)
    }

    // Range.
    if let range = ByteRange(header: text) {
        let printed: String
        switch range {
        case .from(let start, let end):
            precondition(start >= 0 && (end ?? start) >= start)
            printed = "bytes=\(start)-\(end.map(String.init) ?? "")"
        case .suffix(let length):
            precondition(length > 0)
            printed = "bytes=-\(length)"
        }
        precondition(ByteRange(header: printed) == range)
        for contentSize in [0, 1, 2, 100, Int64.max - 1, Int64.max] as [Int64] {
            if let selected = range.resolve(size: contentSize) {
                precondition(selected.lowerBound >= 0 && selected.upperBound <= contentSize && !selected.isEmpty)
            }
        }
    }

    // Retry-After: a delay, never negative.
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    if let delay = RetryAfter.parse(text, now: now) {
        precondition(delay >= .zero)
    }

    // Link: every target found sits between < and > in the value.
    for relation in ["alternate", "up", "index"] {
        for target in LinkHeader.targets(rel: relation, in: text) {
            precondition(text.contains("<\(target)>"))
        }
    }
    return 0
}

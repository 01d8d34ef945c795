import Foundation
import Registry
import Synchronization

/// How `wharf warm` reports: a progress bar redrawn in place on a terminal, plain lines
/// (one per blob) otherwise, so logs of a scheduled job stay readable.
final class WarmProgress: Sendable {
    let isTerminal: Bool
    private let lastDraw = Mutex<ContinuousClock.Instant?>(nil)

    init(isTerminal: Bool = isatty(STDOUT_FILENO) == 1) {
        self.isTerminal = isTerminal
    }

    func line(_ text: String) {
        print(text)
    }

    /// Bytes arriving for blob `number`; drawn at most ten times a second, on a terminal only.
    func blob(_ number: Int, of total: Int, digest: Digest, received: Int64, size: Int64?) {
        guard isTerminal else { return }
        let now = ContinuousClock.now
        let due = lastDraw.withLock { last -> Bool in
            guard last.map({ now - $0 >= .milliseconds(100) }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return }
        let width = 30
        let filled = size.map { $0 > 0 ? Int(Double(received) / Double($0) * Double(width)) : width } ?? 0
        let bar = String(repeating: "#", count: min(filled, width)) + String(repeating: "-", count: width - min(filled, width))
        let of = size.map { " / \(Self.mebibytes($0))" } ?? ""
        FileHandle.standardOutput.write(Data("\r\u{1B}[K[\(number)/\(total)] \(Self.short(digest)) [\(bar)] \(Self.mebibytes(received))\(of)".utf8))
    }

    func blobDone(_ number: Int, of total: Int, digest: Digest, bytes: Int64, cache: String) {
        let text = "[\(number)/\(total)] blob \(digest) \(bytes) bytes (\(cache))"
        if isTerminal { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
        print(text)
    }

    static func short(_ digest: Digest) -> String {
        String(digest.description.prefix(19))
    }

    static func mebibytes(_ bytes: Int64) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}

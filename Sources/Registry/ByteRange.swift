/// A single `Range: bytes=...` request (RFC 9110 §14.1.2).
public enum ByteRange: Equatable, Sendable {
    /// `bytes=first-last` or `bytes=first-`
    case from(Int64, through: Int64?)
    /// `bytes=-length`: the last `length` bytes.
    case suffix(Int64)

    /// Parses a header value; `nil` for anything but one well-formed byte range (which the
    /// server then ignores and sends the whole content, as RFC 9110 allows).
    public init?(header: String) {
        guard header.hasPrefix("bytes=") else { return nil }
        let spec = header.dropFirst(6).trimmingSpaces
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            guard let length = Int64(last), length > 0 else { return nil }
            self = .suffix(length)
            return
        }
        guard let start = Int64(first), start >= 0 else { return nil }
        if last.isEmpty {
            self = .from(start, through: nil)
            return
        }
        guard let end = Int64(last), end >= start else { return nil }
        self = .from(start, through: end)
    }

    /// The byte offsets selected in content of `size` bytes, or `nil` when unsatisfiable.
    public func resolve(size: Int64) -> Range<Int64>? {
        switch self {
        case .from(let start, let end):
            guard start < size else { return nil }
            return start..<(min(end ?? (size - 1), size - 1) + 1)
        case .suffix(let length):
            guard size > 0 else { return nil }
            return max(0, size - length)..<size
        }
    }
}

/// Reads the big-endian numbers and length-prefixed vectors of TLS's presentation language
/// from a byte slice, failing (never trapping) when the bytes run out.
struct ClientHelloReader {
    /// What was wrong with the bytes.
    struct Malformed: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { bytes.isEmpty }

    /// The next `count` bytes.
    mutating func take(_ count: Int) throws(Malformed) -> ArraySlice<UInt8> {
        guard bytes.count >= count else { throw Malformed("\(count) bytes needed, \(bytes.count) left") }
        defer { bytes = bytes.dropFirst(count) }
        return bytes.prefix(count)
    }

    /// A big-endian unsigned number of `count` bytes (at most 3).
    mutating func number(bytes count: Int) throws(Malformed) -> Int {
        try take(count).reduce(0) { $0 << 8 | Int($1) }
    }

    /// A vector whose length comes first in `lengthBytes` bytes.
    mutating func vector(lengthBytes: Int, maximum: Int = .max) throws(Malformed) -> ArraySlice<UInt8> {
        let length = try number(bytes: lengthBytes)
        guard length <= maximum else { throw Malformed("a field of \(length) bytes, over \(maximum)") }
        return try take(length)
    }
}

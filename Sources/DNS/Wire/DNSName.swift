/// A domain name: a sequence of labels, compared without regard to ASCII case (RFC 4343).
///
/// Text form is the usual dotted one; a trailing dot is optional on input and always
/// present on output. Dots, backslashes and unprintable bytes inside a label are written
/// as `\.`, `\\` and `\DDD`, and read back the same way.
///
/// ```swift
/// let name = try DNSName("_acme-challenge.mirror.example.com")
/// name.description                 // "_acme-challenge.mirror.example.com."
/// name.parent?.description         // "mirror.example.com."
/// ```
public struct DNSName: Sendable, Hashable, CustomStringConvertible {
    /// The labels, most specific first; the root name has none.
    public let labels: [[UInt8]]

    /// The root name, `.`.
    public static let root = DNSName(validatedLabels: [])

    /// Parses a dotted name such as `mirror.example.com` or `mirror.example.com.`; `.` is the root.
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidName``) for an empty label, a label over
    ///   63 bytes, a name over 255 bytes on the wire, or a bad escape.
    public init(_ text: String) throws {
        if text == "." {
            self = .root
            return
        }
        var labels: [[UInt8]] = []
        var current: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty else {
            throw DNSError.invalidName(text, "it is empty (write `.` for the root)")
        }
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "."):
                guard !current.isEmpty else {
                    throw DNSError.invalidName(text, "it has an empty label (two dots in a row, or a leading dot)")
                }
                labels.append(current)
                current = []
            case UInt8(ascii: "\\"):
                current.append(try Self.unescape(&bytes, in: text))
            default:
                current.append(byte)
            }
        }
        if !current.isEmpty {
            labels.append(current)
        }
        try self.init(labels: labels, text: text)
    }

    /// Creates a name from raw labels.
    ///
    /// - Throws: ``DNSError`` for an empty label, a label over 63 bytes or a name over 255 bytes.
    public init(labels: [[UInt8]]) throws {
        try self.init(labels: labels, text: nil)
    }

    private init(labels: [[UInt8]], text: String?) throws {
        let shown = text ?? DNSName(validatedLabels: labels).description
        for label in labels {
            guard !label.isEmpty else {
                throw DNSError.invalidName(shown, "it has an empty label")
            }
            guard label.count <= 63 else {
                throw DNSError.invalidName(shown, "a label is \(label.count) bytes long; the limit is 63")
            }
        }
        let wireLength = labels.reduce(1) { $0 + 1 + $1.count }
        guard wireLength <= 255 else {
            throw DNSError.invalidName(shown, "it is \(wireLength) bytes long on the wire; the limit is 255")
        }
        self.labels = labels
    }

    /// For labels already known to be valid (decoded within limits, or derived from a valid name).
    init(validatedLabels: [[UInt8]]) {
        labels = validatedLabels
    }

    /// The name one label up (`example.com.` for `mirror.example.com.`), or nil for the root.
    public var parent: DNSName? {
        labels.isEmpty ? nil : DNSName(validatedLabels: Array(labels.dropFirst()))
    }

    /// Whether this name is `ancestor` itself or lies below it (case-insensitively).
    public func isWithin(_ ancestor: DNSName) -> Bool {
        guard labels.count >= ancestor.labels.count else { return false }
        return zip(labels.suffix(ancestor.labels.count), ancestor.labels).allSatisfy {
            Self.lowercased($0) == Self.lowercased($1)
        }
    }

    /// The name with every ASCII letter lowercased, as TSIG's canonical form needs.
    public var lowercased: DNSName {
        DNSName(validatedLabels: labels.map(Self.lowercased))
    }

    /// The dotted text form with a trailing dot, `\`-escaping dots, backslashes and unprintable bytes.
    public var description: String {
        guard !labels.isEmpty else { return "." }
        var text = ""
        for label in labels {
            for byte in label {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: ";"):
                    text += "\\" + String(UnicodeScalar(byte))
                case 0x21...0x7E:
                    text.unicodeScalars.append(UnicodeScalar(byte))
                default:
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            text += "."
        }
        return text
    }

    /// Whether the names have the same labels, ignoring ASCII case.
    public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.labels.count == rhs.labels.count
            && zip(lhs.labels, rhs.labels).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// Hashes the lowercased labels, consistently with ``==``.
    public func hash(into hasher: inout Hasher) {
        for label in labels {
            hasher.combine(Self.lowercased(label))
        }
    }

    static func lowercased(_ label: [UInt8]) -> [UInt8] {
        label.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }

    private static func unescape(_ bytes: inout ArraySlice<UInt8>, in text: String) throws -> UInt8 {
        guard let first = bytes.popFirst() else {
            throw DNSError.invalidName(text, "it ends with a lone backslash")
        }
        guard (0x30...0x39).contains(first) else { return first }
        var value = Int(first - 0x30)
        for _ in 0..<2 {
            guard let digit = bytes.popFirst(), (0x30...0x39).contains(digit) else {
                throw DNSError.invalidName(text, "a `\\DDD` escape needs exactly three decimal digits")
            }
            value = value * 10 + Int(digit - 0x30)
        }
        guard value <= 255 else {
            throw DNSError.invalidName(text, "the escape `\\\(value)` is above 255")
        }
        return UInt8(value)
    }
}

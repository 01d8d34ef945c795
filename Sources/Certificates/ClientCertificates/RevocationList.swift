/// The certificates a revocation file names: serial numbers and SHA-256 fingerprints.
///
/// One entry a line, in hex, with or without colons, upper or lower case; `#` starts a comment.
/// A line of 64 hex digits is a fingerprint, a shorter one a serial (at most 40 digits, RFC 5280's
/// 20 bytes). The prefixes `openssl x509 -noout -serial` and `-fingerprint -sha256` print
/// (`serial=`, `sha256 Fingerprint=`) are accepted, so their output can be appended as it is:
///
///     # alice's laptop, lost 2026-11-30
///     serial=4F1A09C3D2
///     sha256 Fingerprint=3A:7B:...:9C
///
/// A serial is unique only within its CA; with several CAs, a fingerprint names one certificate exactly.
public struct RevocationList: Sendable, Equatable {
    /// Serials, upper-case hex without leading zeros.
    public private(set) var serials: Set<String> = []
    /// Fingerprints, lower-case hex.
    public private(set) var fingerprints: Set<String> = []

    /// An empty list.
    public init() {}

    /// Parses the text of a revocation file.
    ///
    /// - Parameter source: the file's path, for errors.
    /// - Throws: ``TLSCertificateError`` of kind ``TLSCertificateError/Kind/invalidRevocationList``
    ///   naming the file and line of the first entry that is neither.
    public init(parsing text: String, source: String) throws(TLSCertificateError) {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(rawLine.prefix { $0 != "#" }).trimmingWhitespace()
            guard !line.isEmpty else { continue }
            if let equals = line.firstIndex(of: "="), ["serial", "sha256 fingerprint"].contains(line[..<equals].lowercased()) {
                line = line[line.index(after: equals)...].trimmingWhitespace()
            }
            let digits = line.filter { $0 != ":" }.uppercased()
            guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else {
                throw .invalidRevocationList(source, line: index + 1, reason: "\(String(reflecting: String(line.prefix(80)))) is not a serial number or a SHA-256 fingerprint in hex")
            }
            if digits.count == 64 {
                fingerprints.insert(digits.lowercased())
            } else if digits.count <= 40 {
                serials.insert(Self.normalizedSerial(digits))
            } else {
                throw .invalidRevocationList(source, line: index + 1, reason: "\(digits.count) hex digits: a serial has at most 40, a SHA-256 fingerprint 64")
            }
        }
    }

    /// Whether the list names `identity` by its serial or its fingerprint.
    public func contains(_ identity: ClientCertificateIdentity) -> Bool {
        contains(serial: identity.serialHex, fingerprint: identity.fingerprint)
    }

    /// Whether the list names the certificate with this serial (hex) or SHA-256 fingerprint (hex).
    public func contains(serial: String, fingerprint: String) -> Bool {
        fingerprints.contains(fingerprint.lowercased()) || serials.contains(Self.normalizedSerial(serial))
    }

    /// Upper-case hex without leading zeros, so `0A` and `a` are the same serial.
    static func normalizedSerial(_ hex: String) -> String {
        let trimmed = hex.uppercased().drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    /// How many entries the list holds.
    public var count: Int { serials.count + fingerprints.count }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return self[start..<Swift.max(start, end)]
    }
}

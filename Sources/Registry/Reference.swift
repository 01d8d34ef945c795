/// What a manifest request names: a tag or a digest.
public enum Reference: Hashable, Sendable, CustomStringConvertible {
    case tag(Tag)
    case digest(Digest)

    /// Parses a reference: a string containing `:` must be a digest, anything else a tag.
    /// - Throws: ``RegistryError`` (`DIGEST_INVALID` or `MANIFEST_INVALID` for a bad tag).
    public init(parsing text: some StringProtocol) throws(RegistryError) {
        if text.contains(":") {
            self = .digest(try Digest(parsing: text))
        } else {
            self = .tag(try Tag(text))
        }
    }

    public var description: String {
        switch self {
        case .tag(let tag): tag.value
        case .digest(let digest): digest.description
        }
    }
}

/// A tag: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
public struct Tag: Hashable, Sendable, CustomStringConvertible {
    /// The tag text.
    public let value: String

    /// Validates `text` as a tag.
    /// - Throws: ``RegistryError`` with code `TAG_INVALID`.
    public init(_ text: some StringProtocol) throws(RegistryError) {
        let bytes = Array(text.utf8)
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
                || byte == UInt8(ascii: "_")
        }
        guard let first = bytes.first, isWord(first), bytes.count <= 128,
            bytes.allSatisfy({ isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else {
            throw .tagInvalid("tag \(Digest.quoted(text)) must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}")
        }
        self.value = String(text)
    }

    public var description: String { value }
}

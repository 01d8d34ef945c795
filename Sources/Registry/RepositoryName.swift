/// A repository name, checked against the OCI distribution spec's grammar:
/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`, at most 255 characters.
///
/// The grammar admits no `..`, no empty component and no upper case, so a valid name is a
/// safe relative path under the store.
public struct RepositoryName: Hashable, Sendable, CustomStringConvertible {
    /// The maximum length distribution accepts for a full repository name.
    public static let maximumLength = 255

    /// The name as the client sent it, e.g. `library/alpine`.
    public let value: String

    /// The slash-separated components.
    public var components: [Substring] { value.split(separator: "/") }

    /// Validates `text` as a repository name.
    /// - Throws: ``RegistryError`` with code `NAME_INVALID`.
    public init(_ text: some StringProtocol) throws(RegistryError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .nameInvalid("repository name is empty") }
        guard bytes.count <= Self.maximumLength else {
            throw .nameInvalid("repository name is \(bytes.count) characters long; the limit is \(Self.maximumLength)")
        }
        for component in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard Self.isValidComponent(component) else {
                throw .nameInvalid(
                    "repository name \(Digest.quoted(text)) does not match the grammar: lower-case letters and digits, separated by '.', '_', '__', '-' or '/'"
                )
            }
        }
        self.value = String(text)
    }

    /// Prefixes `library/` to a single-component name, as Docker Hub expects.
    public var dockerHubNormalized: RepositoryName {
        value.contains("/") ? self : RepositoryName(unchecked: "library/" + value)
    }

    private init(unchecked value: String) { self.value = value }

    public var description: String { value }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
    }

    /// One path component: alphanumeric runs joined by exactly one of `.`, `_`, `__`, or one or more `-`.
    private static func isValidComponent(_ component: ArraySlice<UInt8>) -> Bool {
        var index = component.startIndex
        var expectingRun = true
        while index < component.endIndex {
            if expectingRun {
                guard isAlphanumeric(component[index]) else { return false }
                while index < component.endIndex, isAlphanumeric(component[index]) { index += 1 }
                expectingRun = false
                continue
            }
            let separatorStart = index
            switch component[index] {
            case UInt8(ascii: "."):
                index += 1
            case UInt8(ascii: "_"):
                index += 1
                if index < component.endIndex, component[index] == UInt8(ascii: "_") { index += 1 }
            case UInt8(ascii: "-"):
                while index < component.endIndex, component[index] == UInt8(ascii: "-") { index += 1 }
            default:
                return false
            }
            guard index > separatorStart else { return false }
            expectingRun = true
        }
        return !expectingRun
    }
}

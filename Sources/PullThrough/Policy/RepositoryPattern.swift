import Registry

/// One pattern of `repositories.allow`, `deny` or `pinned`: a repository name with globs,
/// optionally followed by `:TAG`.
///
/// In the name, `*` stands for any characters within one path component (`library/*`,
/// `myorg/app-*`) and `**`, as a whole component, for one or more components
/// (`myorg/**` is every repository below `myorg/`, `**` every repository). In the tag, `*`
/// stands for any characters (`myorg/base:v1*`, `**:latest`).
public struct RepositoryPattern: Sendable, Equatable, CustomStringConvertible {
    private enum Component: Sendable, Equatable {
        /// `**`: one or more whole components.
        case anyDepth
        /// A component, `*` matching any run of characters.
        case glob(String)
    }

    /// The pattern as written.
    public let text: String
    private let components: [Component]
    /// The tag glob after `:`, when the pattern names tags.
    private let tag: String?

    /// Whether the pattern names tags (`REPOSITORY:TAG`) rather than whole repositories.
    public var namesTags: Bool { tag != nil }

    /// Parses `text`.
    /// - Throws: ``RepositoryPatternError`` saying what is wrong.
    public init(_ text: String) throws(RepositoryPatternError) {
        self.text = text
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw RepositoryPatternError(text, "has more than one ':' (REPOSITORY or REPOSITORY:TAG)") }
        if parts.count == 2 {
            let tag = parts[1]
            guard !tag.isEmpty else { throw RepositoryPatternError(text, "has an empty tag after ':'") }
            guard tag.count <= 128, tag.allSatisfy(Self.isTagCharacter) else {
                throw RepositoryPatternError(text, "has a tag that is neither a tag nor a tag with '*' (letters, digits, '_', '.', '-')")
            }
            self.tag = String(tag)
        } else {
            self.tag = nil
        }
        let name = parts[0]
        guard !name.isEmpty else { throw RepositoryPatternError(text, "names no repository; write ** for every repository") }
        guard name.count <= RepositoryName.maximumLength else { throw RepositoryPatternError(text, "is longer than a repository name may be") }
        var components: [Component] = []
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            guard !component.isEmpty else { throw RepositoryPatternError(text, "has an empty path component (a leading, trailing or double '/')") }
            if component == "**" {
                components.append(.anyDepth)
                continue
            }
            guard !component.contains("**") else { throw RepositoryPatternError(text, "uses ** inside a component; ** stands alone between slashes") }
            guard component.allSatisfy(Self.isNameCharacter) else {
                throw RepositoryPatternError(text, "may hold only lower-case letters, digits, '.', '_', '-', '/' and '*'")
            }
            components.append(.glob(String(component)))
        }
        self.components = components
    }

    public var description: String { text }

    /// Whether `name` (and, for a pattern naming tags, `tag`) matches. A pattern naming tags
    /// matches no request without a tag (a manifest by digest, a blob, a tag list).
    public func matches(_ name: RepositoryName, tag requested: String? = nil) -> Bool {
        if let tag {
            guard let requested, Self.glob(tag[...], matches: requested[...]) else { return false }
        }
        return Self.match(components[...], name.components[...])
    }

    private static func match(_ pattern: ArraySlice<Component>, _ name: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        switch first {
        case .anyDepth:
            guard !name.isEmpty else { return false }
            // One or more components: try every split, shortest first.
            for taken in 1...name.count where match(pattern.dropFirst(), name.dropFirst(taken)) {
                return true
            }
            return false
        case .glob(let glob):
            guard let component = name.first, Self.glob(glob[...], matches: component) else { return false }
            return match(pattern.dropFirst(), name.dropFirst())
        }
    }

    /// `*` matches any run of characters, everything else itself.
    static func glob(_ pattern: Substring, matches text: Substring) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == text }
        let head = pattern[..<star]
        guard text.hasPrefix(head) else { return false }
        let rest = pattern[pattern.index(after: star)...]
        var remainder = text.dropFirst(head.count)
        while true {
            if glob(rest, matches: remainder) { return true }
            guard !remainder.isEmpty else { return false }
            remainder = remainder.dropFirst()
        }
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        ("a"..."z").contains(character) || ("0"..."9").contains(character) || ".-_*".contains(character)
    }

    private static func isTagCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._-*".contains(character))
    }
}

/// Why an htpasswd file, or one of its lines, was refused.
///
/// The ``description`` names the file, the line (when there is one) and the user (when known),
/// says what is wrong and, for a hash Wharf refuses, how to re-create the entry. It never
/// contains a password or a hash.
///
/// ```
/// /etc/wharf/htpasswd:3: user "alice": the password is hashed with MD5 (apr1), which is fast to guess; ...
/// ```
public struct HtpasswdError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case unreadable(reason: String)
        case notText
        case malformedLine(reason: String)
        case duplicateUser(firstLine: Int)
        case weakHash(format: String)
        case unsupportedHash(reason: String)
        case invalidUser(reason: String)
        case invalidPassword(reason: String)
        case writeFailed(reason: String)
    }

    private let code: Code
    /// The htpasswd file concerned.
    public let file: String
    /// The 1-based line number, when the error concerns one line.
    public let line: Int?
    /// The user concerned, when known.
    public let user: String?

    private init(_ code: Code, file: String, line: Int? = nil, user: String? = nil) {
        self.code = code
        self.file = file
        self.line = line
        self.user = user
    }

    /// The class of failure, stable across releases (new kinds may be added).
    public var kind: Kind {
        switch code {
        case .unreadable, .notText: .unreadable
        case .malformedLine: .malformedLine
        case .duplicateUser: .duplicateUser
        case .weakHash, .unsupportedHash: .refusedHash
        case .invalidUser: .invalidUser
        case .invalidPassword: .invalidPassword
        case .writeFailed: .writeFailed
        }
    }

    /// What is wrong, without the file and line prefix.
    public var message: String {
        switch code {
        case .unreadable(let reason):
            "cannot read the htpasswd file: \(reason)"
        case .notText:
            "the htpasswd file is not UTF-8 text"
        case .malformedLine(let reason):
            "malformed line: \(reason) (expected USER:HASH)"
        case .duplicateUser(let firstLine):
            "duplicate entry: the user is already defined on line \(firstLine)"
        case .weakHash(let format):
            "the password is stored as \(format), which is fast to guess and refused by Wharf; "
                + "re-create the entry with bcrypt: \(recreateCommand)"
        case .unsupportedHash(let reason):
            "\(reason); Wharf accepts bcrypt ($2y$, $2b$, $2a$) and SHA-crypt ($5$, $6$): "
                + "re-create the entry with bcrypt: \(recreateCommand)"
        case .invalidUser(let reason):
            "invalid user name: \(reason)"
        case .invalidPassword(let reason):
            "invalid password: \(reason)"
        case .writeFailed(let reason):
            "cannot write the htpasswd file: \(reason)"
        }
    }

    /// `FILE:LINE: user "NAME": MESSAGE`, leaving out what is not known.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let user { text += "user \(String(reflecting: user)): " }
        return text + message
    }

    private var recreateCommand: String {
        let name = user.map(Self.shellQuoted) ?? "USER"
        let path = Self.shellQuoted(file)
        return "`htpasswd -B -C 12 \(path) \(name)` or `wharf htpasswd add \(path) \(name)`"
    }

    private static func shellQuoted(_ word: String) -> String {
        let plain = word.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_./@+".unicodeScalars.contains(scalar)
        }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacingAll("'", with: "'\\''") + "'"
    }

    static func unreadable(_ file: String, reason: String) -> Self {
        Self(.unreadable(reason: reason), file: file)
    }

    static func notText(_ file: String) -> Self {
        Self(.notText, file: file)
    }

    static func malformedLine(_ file: String, line: Int, user: String? = nil, reason: String) -> Self {
        Self(.malformedLine(reason: reason), file: file, line: line, user: user)
    }

    static func duplicateUser(_ file: String, line: Int, user: String, firstLine: Int) -> Self {
        Self(.duplicateUser(firstLine: firstLine), file: file, line: line, user: user)
    }

    static func weakHash(_ file: String, line: Int, user: String, format: String) -> Self {
        Self(.weakHash(format: format), file: file, line: line, user: user)
    }

    static func unsupportedHash(_ file: String, line: Int, user: String, reason: String) -> Self {
        Self(.unsupportedHash(reason: reason), file: file, line: line, user: user)
    }

    static func invalidUser(_ file: String, user: String, reason: String) -> Self {
        Self(.invalidUser(reason: reason), file: file, user: user)
    }

    static func invalidPassword(_ file: String, user: String, reason: String) -> Self {
        Self(.invalidPassword(reason: reason), file: file, user: user)
    }

    static func writeFailed(_ file: String, reason: String) -> Self {
        Self(.writeFailed(reason: reason), file: file)
    }
}

extension String {
    /// `self` with every occurrence of `target` replaced, without Foundation.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}

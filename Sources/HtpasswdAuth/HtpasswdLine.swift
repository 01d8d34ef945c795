/// One line of an htpasswd file, read the way Apache and distribution read it.
///
/// Whitespace around the line is ignored (so are a CRLF's carriage return), blank lines and lines
/// starting with `#` are skipped, and the user ends at the first colon.
enum HtpasswdLine: Equatable, Sendable {
    /// A blank line or a comment.
    case ignored
    /// `USER:HASH`, both non-empty.
    case entry(user: String, hash: String)
    /// Not an entry; the text says why (it never quotes the line, which may hold a password).
    case malformed(reason: String, user: String?)

    init(_ raw: Substring) {
        let line = raw.trimmingWhitespace()
        if line.isEmpty || line.hasPrefix("#") {
            self = .ignored
            return
        }
        // The first colon byte, as Apache and distribution split (a colon may start a longer
        // Character, e.g. followed by a combining mark).
        guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else {
            self = .malformed(reason: "no ':' between the user and the hash", user: nil)
            return
        }
        let user = String(line[..<colon])
        let hash = String(line[line.utf8.index(after: colon)...])
        if user.isEmpty {
            self = .malformed(reason: "the user name is empty", user: nil)
        } else if hash.isEmpty {
            self = .malformed(reason: "the hash is empty", user: user)
        } else {
            self = .entry(user: user, hash: hash)
        }
    }

    /// The user of an entry or of a malformed line that names one.
    var user: String? {
        switch self {
        case .ignored: nil
        case .entry(let user, _): user
        case .malformed(_, let user): user
        }
    }
}

extension Substring {
    /// `self` without spaces, tabs and line breaks (CR, LF, CRLF) at either end.
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}

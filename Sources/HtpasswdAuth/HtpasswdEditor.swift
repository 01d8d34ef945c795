import FileIO

/// Adds, deletes and checks users in an htpasswd file, for `wharf htpasswd`.
///
/// The file is replaced atomically (a temporary file in the same folder, flushed, renamed over)
/// with mode 0600; every other line, comments included, is kept as it was, and the file's
/// line breaks (LF or CRLF) are kept too. A running Wharf picks the change up through its watcher.
/// When the path is a symbolic link, the link is replaced by the new file.
///
/// ```swift
/// try await HtpasswdEditor.add(file: "/etc/wharf/htpasswd", user: "alice", password: secret)
/// ```
public enum HtpasswdEditor {
    /// Sets `user`'s password to a new bcrypt (`$2y$`) hash, replacing their line where it is,
    /// or appending one; creates the file when it does not exist.
    ///
    /// - Parameters:
    ///   - cost: the bcrypt cost, 4...17; 12 by default (about a quarter of a second per check).
    /// - Throws: ``HtpasswdError`` for an invalid user name (empty, with `:`, a line break, a leading
    ///   `#` or surrounding whitespace), an unusable password, or a file that cannot be read or written.
    public static func add(file: String, user: String, password: String, cost: Int = 12) async throws(HtpasswdError) {
        try validate(user: user, file: file)
        let hash: String
        do {
            hash = try PasswordHash.bcrypt(password: password, cost: cost)
        } catch {
            throw .invalidPassword(file, user: user, reason: error.description)
        }
        let existing = try await HtpasswdFile.text(at: file)
        var lines = existing.map(HtpasswdText.lines) ?? []
        let lineBreak = existing.map(HtpasswdText.lineBreak) ?? "\n"
        let entry = Substring("\(user):\(hash)")
        if let first = lines.firstIndex(where: { HtpasswdLine($0).user == user }) {
            lines[first] = entry
            lines = lines.enumerated().filter { $0.offset <= first || HtpasswdLine($0.element).user != user }.map(\.element)
        } else {
            if lines.last?.isEmpty == true { lines.removeLast() }
            lines.append(entry)
        }
        try await write(lines, lineBreak: lineBreak, to: file)
    }

    /// Removes every line of `user`.
    ///
    /// - Returns: whether the user was there (the file is not rewritten when not).
    /// - Throws: ``HtpasswdError`` when the file is missing, unreadable or cannot be written.
    @discardableResult
    public static func delete(file: String, user: String) async throws(HtpasswdError) -> Bool {
        let text = try await HtpasswdFile.existingText(at: file)
        let lines = HtpasswdText.lines(text)
        let kept = lines.filter { HtpasswdLine($0).user != user }
        guard kept.count != lines.count else { return false }
        try await write(kept, lineBreak: HtpasswdText.lineBreak(of: text), to: file)
        return true
    }

    /// Whether `password` is `user`'s password in `file`; false when the user is not there.
    ///
    /// - Throws: ``HtpasswdError`` when the file cannot be read, or when the user's hash is in a
    ///   format Wharf refuses (the message says how to re-create it).
    public static func verify(file: String, user: String, password: String) async throws(HtpasswdError) -> Bool {
        let text = try await HtpasswdFile.existingText(at: file)
        for (index, raw) in HtpasswdText.lines(text).enumerated() {
            guard case .entry(user, let hash) = HtpasswdLine(raw) else { continue }
            switch HashFormat(hash) {
            case .bcrypt, .shaCrypt:
                return PasswordHash.verify(password: password, against: hash)
            case .weak(let format):
                throw .weakHash(file, line: index + 1, user: user, format: format)
            case .unsupported(let reason):
                throw .unsupportedHash(file, line: index + 1, user: user, reason: reason)
            }
        }
        return false
    }

    /// Refuses names that would not read back as the same user.
    static func validate(user: String, file: String) throws(HtpasswdError) {
        let reason: String? =
            if user.isEmpty {
                "it is empty"
            } else if user.utf8.contains(UInt8(ascii: ":")) {
                "it contains ':', which separates the user from the hash"
            } else if user.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
                "it contains a line break or another control character"
            } else if user.hasPrefix("#") {
                "it starts with '#', which marks a comment"
            } else if Substring(user).trimmingWhitespace().count != user.count {
                "it starts or ends with whitespace, which is ignored when the file is read"
            } else {
                nil
            }
        if let reason { throw .invalidUser(file, user: user, reason: reason) }
    }

    private static func write(_ lines: [Substring], lineBreak: String, to file: String) async throws(HtpasswdError) {
        var text = lines.joined(separator: lineBreak)
        if !text.isEmpty && !text.hasSuffix("\n") { text += lineBreak }
        do throws(FileIOError) {
            try await AtomicFile.write(Array(text.utf8), to: file, mode: 0o600)
        } catch {
            throw .writeFailed(file, reason: error.reason)
        }
    }
}

import FileIO

/// The users and password hashes of an htpasswd file, checked to be safe to serve.
///
/// Loading refuses the whole file when any line is malformed, a user appears twice, or a hash
/// is in a format that is fast to guess (MD5 apr1, SHA-1, DES crypt, plain text): the error
/// names the file, the line and the user, and says how to re-create the entry with bcrypt.
///
/// ```swift
/// let file = try await HtpasswdFile.load(path: "/etc/wharf/htpasswd")
/// print(file.users)   // ["alice", "bob"]
/// ```
public struct HtpasswdFile: Sendable {
    /// The path the users were read from (or that errors name, for parsed text).
    public let path: String
    /// The users in file order.
    public let users: [String]
    private let hashes: [String: String]
    /// The hash of the most common family and cost, used to make an unknown user cost as much as a known one.
    let representativeHash: String?

    private init(path: String, entries: [(user: String, hash: String, format: HashFormat)]) {
        self.path = path
        users = entries.map(\.user)
        hashes = Dictionary(uniqueKeysWithValues: entries.map { ($0.user, $0.hash) })
        var counts: [String: (count: Int, hash: String)] = [:]
        for entry in entries {
            guard let costClass = entry.format.costClass else { continue }
            counts[costClass, default: (0, entry.hash)].count += 1
        }
        representativeHash = counts.values.max { $0.count < $1.count }?.hash
    }

    /// Reads and parses the file at `path`.
    ///
    /// - Throws: ``HtpasswdError`` when the file is missing, unreadable or not UTF-8 text, or for
    ///   the first line that ``parse(_:path:)`` refuses.
    public static func load(path: String) async throws(HtpasswdError) -> HtpasswdFile {
        try parse(await existingText(at: path), path: path)
    }

    /// Refuse files larger than this: an htpasswd file of a million users is still far smaller.
    static let maximumSize = 64 << 20

    /// The file's text; a missing file is an error.
    static func existingText(at path: String) async throws(HtpasswdError) -> String {
        guard let text = try await text(at: path) else {
            throw .unreadable(path, reason: "the file does not exist")
        }
        return text
    }

    /// The file's text, or nil when it does not exist.
    static func text(at path: String) async throws(HtpasswdError) -> String? {
        let bytes: [UInt8]?
        do throws(FileIOError) {
            bytes = try await PosixFile.contents(of: path, maximumSize: maximumSize)
        } catch {
            throw .unreadable(path, reason: error.reason)
        }
        return try bytes.map { bytes throws(HtpasswdError) in
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .notText(path) }
            return text
        }
    }

    /// Parses htpasswd text; `path` is only used in error messages.
    ///
    /// Blank lines, lines starting with `#`, CRLF line breaks and whitespace around a line are accepted.
    /// - Throws: ``HtpasswdError`` for the first malformed line, duplicate user or refused hash.
    public static func parse(_ text: String, path: String) throws(HtpasswdError) -> HtpasswdFile {
        var entries: [(user: String, hash: String, format: HashFormat)] = []
        var firstLine: [String: Int] = [:]
        for (index, raw) in HtpasswdText.lines(text).enumerated() {
            let number = index + 1
            switch HtpasswdLine(raw) {
            case .ignored:
                continue
            case .malformed(let reason, let user):
                throw .malformedLine(path, line: number, user: user, reason: reason)
            case .entry(let user, let hash):
                if let earlier = firstLine[user] {
                    throw .duplicateUser(path, line: number, user: user, firstLine: earlier)
                }
                let format = HashFormat(hash)
                switch format {
                case .bcrypt, .shaCrypt:
                    break
                case .weak(let name):
                    throw .weakHash(path, line: number, user: user, format: name)
                case .unsupported(let reason):
                    throw .unsupportedHash(path, line: number, user: user, reason: reason)
                }
                firstLine[user] = number
                entries.append((user, hash, format))
            }
        }
        return HtpasswdFile(path: path, entries: entries)
    }

    /// The hash stored for `user`, or nil when the file does not name them.
    public func hash(for user: String) -> String? {
        hashes[user]
    }
}

/// Reads `key` statements from BIND configuration text (named.conf syntax, as `tsig-keygen`
/// and `ddns-confgen` write it), skipping every other statement and comment.
enum TSIGKeyFile {
    private enum Token: Equatable {
        case word(String)
        case quoted(String)
        case open, close, semicolon

        var shown: String {
            switch self {
            case .word(let text): "`\(text)`"
            case .quoted: "a quoted string"
            case .open: "`{`"
            case .close: "`}`"
            case .semicolon: "`;`"
            }
        }
    }

    private struct Entry {
        var name: String
        var algorithm: String?
        var secret: String?
    }

    static func parse(_ text: String, source: String, keyName: String?) throws -> TSIGKey {
        var tokens = try tokenize(text, source: source)[...]
        var entries: [Entry] = []
        while let first = tokens.popFirst() {
            if case .word(let word) = first, word.lowercased() == "key" {
                entries.append(try parseKey(&tokens, source: source))
            } else {
                try skipStatement(startingWith: first, &tokens, source: source)
            }
        }
        let chosen: Entry
        if let keyName {
            let wanted = try? DNSName(keyName)
            guard let match = entries.first(where: { (try? DNSName($0.name)) == wanted }) else {
                throw DNSError.keyFile(
                    source,
                    "it holds no key named \(keyName) (it holds: \(listing(entries))); fix `tsigkey` or the file"
                )
            }
            chosen = match
        } else {
            guard let only = entries.first else {
                throw DNSError.keyFile(source, "it holds no `key \"name\" { algorithm ...; secret \"...\"; };` statement")
            }
            guard entries.count == 1 else {
                throw DNSError.keyFile(source, "it holds several keys (\(listing(entries))); set `tsigkey` to choose one")
            }
            chosen = only
        }
        guard let secret = chosen.secret else {
            throw DNSError.keyFile(source, "the key \(chosen.name) has no `secret \"...\";` clause")
        }
        let algorithm: TSIGAlgorithm
        do {
            algorithm = try chosen.algorithm.map { try TSIGAlgorithm($0) } ?? .hmacSHA256
        } catch {
            throw DNSError.keyFile(source, "the key \(chosen.name): \(error)")
        }
        do {
            return try TSIGKey(name: chosen.name, algorithm: algorithm, secret: secret)
        } catch {
            throw DNSError.keyFile(source, "the key \(chosen.name): \(error)")
        }
    }

    private static func listing(_ entries: [Entry]) -> String {
        entries.isEmpty ? "none" : entries.map(\.name).joined(separator: ", ")
    }

    private static func parseKey(_ tokens: inout ArraySlice<Token>, source: String) throws -> Entry {
        let name: String
        switch tokens.popFirst() {
        case .word(let text), .quoted(let text): name = text
        case let other:
            throw DNSError.keyFile(source, "expected a key name after `key`, found \(other?.shown ?? "the end")")
        }
        try expect(.open, after: "key \(name)", &tokens, source: source)
        var entry = Entry(name: name)
        while true {
            guard let token = tokens.popFirst() else {
                throw DNSError.keyFile(source, "the key \(name) is not closed with `};`")
            }
            switch token {
            case .close:
                try expect(.semicolon, after: "the key \(name)'s `}`", &tokens, source: source)
                return entry
            case .word(let clause) where clause.lowercased() == "algorithm":
                switch tokens.popFirst() {
                case .word(let value), .quoted(let value): entry.algorithm = value
                case let other:
                    throw DNSError.keyFile(source, "expected an algorithm in key \(name), found \(other?.shown ?? "the end")")
                }
                try expect(.semicolon, after: "the algorithm of key \(name)", &tokens, source: source)
            case .word(let clause) where clause.lowercased() == "secret":
                switch tokens.popFirst() {
                case .word(let value), .quoted(let value): entry.secret = value
                case let other:
                    throw DNSError.keyFile(source, "expected a secret in key \(name), found \(other?.shown ?? "the end")")
                }
                try expect(.semicolon, after: "the secret of key \(name)", &tokens, source: source)
            default:
                try skipStatement(startingWith: token, &tokens, source: source)
            }
        }
    }

    /// Skips one statement or clause: tokens up to the `;` that ends it, over nested braces.
    private static func skipStatement(startingWith first: Token, _ tokens: inout ArraySlice<Token>, source: String) throws {
        var depth = 0
        var token: Token? = first
        while let current = token {
            switch current {
            case .open: depth += 1
            case .close:
                depth -= 1
                guard depth >= 0 else {
                    throw DNSError.keyFile(source, "it has a `}` without a matching `{`")
                }
            case .semicolon where depth == 0: return
            default: break
            }
            token = tokens.popFirst()
        }
        throw DNSError.keyFile(source, "a statement is not ended with `;`")
    }

    private static func expect(_ wanted: Token, after what: String, _ tokens: inout ArraySlice<Token>, source: String) throws {
        let found = tokens.popFirst()
        guard found == wanted else {
            throw DNSError.keyFile(source, "expected \(wanted.shown) after \(what), found \(found?.shown ?? "the end")")
        }
    }

    private static func tokenize(_ text: String, source: String) throws -> [Token] {
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\n", "\r":
                index += 1
            case "#":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            case "/" where peek(1) == "/":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            case "/" where peek(1) == "*":
                index += 2
                while index < scalars.count, !(scalars[index] == "*" && peek(1) == "/") { index += 1 }
                guard index < scalars.count else {
                    throw DNSError.keyFile(source, "a `/*` comment is never closed")
                }
                index += 2
            case "{":
                tokens.append(.open)
                index += 1
            case "}":
                tokens.append(.close)
                index += 1
            case ";":
                tokens.append(.semicolon)
                index += 1
            case "\"":
                index += 1
                var value = String.UnicodeScalarView()
                while index < scalars.count, scalars[index] != "\"" {
                    if scalars[index] == "\\", index + 1 < scalars.count {
                        index += 1
                    }
                    value.append(scalars[index])
                    index += 1
                }
                guard index < scalars.count else {
                    throw DNSError.keyFile(source, "a quoted string is never closed")
                }
                index += 1
                tokens.append(.quoted(String(value)))
            default:
                var value = String.UnicodeScalarView()
                while index < scalars.count, !" \t\n\r{};\"".unicodeScalars.contains(scalars[index]) {
                    value.append(scalars[index])
                    index += 1
                }
                tokens.append(.word(String(value)))
            }
        }
        return tokens
    }
}

import Foundation

/// The small part of XML that S3's answers use: nested elements with text, no attributes
/// that matter, entities. A tree of ``S3XML/Element``s, read with ``Element/child(_:)``.
///
/// Foundation's `XMLParser` lives in a separate library on Linux (libxml2); S3's documents are
/// simple enough that this is less code than the dependency.
enum S3XML {
    struct Element: Sendable {
        var name: String
        var text = ""
        var children: [Element] = []

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
        func text(_ name: String) -> String? { child(name)?.text }
    }

    struct ParseError: Error {}

    /// The root element of `bytes`.
    static func parse(_ bytes: [UInt8]) throws(ParseError) -> Element {
        var stack: [Element] = []
        var root: Element?
        var index = 0
        let count = bytes.count
        while index < count {
            if bytes[index] == UInt8(ascii: "<") {
                guard let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) else { throw ParseError() }
                let tag = bytes[(index + 1)..<close]
                index = close + 1
                guard let first = tag.first else { throw ParseError() }
                if first == UInt8(ascii: "?") || first == UInt8(ascii: "!") { continue }
                if first == UInt8(ascii: "/") {
                    guard var done = stack.popLast() else { throw ParseError() }
                    done.text = decodeEntities(done.text)
                    if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
                    continue
                }
                let selfClosing = tag.last == UInt8(ascii: "/")
                let nameEnd = tag.firstIndex { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") } ?? tag.endIndex
                let element = Element(name: String(decoding: tag[tag.startIndex..<nameEnd], as: UTF8.self))
                if selfClosing {
                    if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
                } else {
                    stack.append(element)
                }
            } else {
                let next = bytes[index...].firstIndex(of: UInt8(ascii: "<")) ?? count
                if !stack.isEmpty { stack[stack.count - 1].text += String(decoding: bytes[index..<next], as: UTF8.self) }
                index = next
            }
        }
        guard stack.isEmpty, let root else { throw ParseError() }
        return root
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&#34;", with: "\"")
            .replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// `text` with `&`, `<`, `>` escaped, for request bodies.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

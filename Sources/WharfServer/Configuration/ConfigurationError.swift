/// A configuration that cannot be used, naming where the value came from, its key and, for a
/// value in a file, its line: `wharf.yml:12: proxy.remoteurl: must be an http(s) URL`.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file, or `environment (REGISTRY_...)`, the bad value came from.
    public let source: String
    /// The dotted key path, e.g. `proxy.remoteurl`.
    public let key: String
    /// The line in ``source`` of the value (or of its nearest section), from 1; nil when not from a file.
    public let line: Int?
    /// The column of that position, from 1.
    public let column: Int?
    /// What is wrong and how to fix it.
    public let message: String

    /// An error about the value at `key` in `source`, at `line` and `column` when known.
    public init(source: String, key: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.source = source
        self.key = key
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE: key.path: message`, without the parts that are unknown.
    public var description: String {
        let place = line.map { "\(source):\($0)" } ?? source
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}

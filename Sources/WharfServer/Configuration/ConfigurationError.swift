/// A configuration that cannot be used, naming the file and the key.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The file (or `environment`) the bad value came from.
    public let source: String
    /// The dotted key path, e.g. `proxy.remoteurl`.
    public let key: String
    /// What is wrong and how to fix it.
    public let message: String

    public init(source: String, key: String, _ message: String) {
        self.source = source
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(source): \(message)" : "\(source): \(key): \(message)"
    }
}

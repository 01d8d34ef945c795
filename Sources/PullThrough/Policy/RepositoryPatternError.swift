/// A repository pattern that cannot be used, and why.
public struct RepositoryPatternError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, naming the pattern.
    public let message: String

    init(_ pattern: String, _ problem: String) {
        message = "\"\(pattern)\" \(problem)"
    }

    public var description: String { message }
}

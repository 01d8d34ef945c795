/// An error raised by a WharfTesting helper.
///
/// The `description` says what went wrong and, when a tool is missing,
/// exactly how to install it.
public struct TestSupportError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in one or more plain sentences.
    public let description: String

    /// Creates an error with the given explanation.
    public init(_ description: String) {
        self.description = description
    }
}

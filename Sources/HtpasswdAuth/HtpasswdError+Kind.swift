extension HtpasswdError {
    /// The class of an ``HtpasswdError``, for code that branches on it.
    ///
    /// A struct of constants rather than an enum, so that adding a kind breaks nobody.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The file is missing, unreadable, not a regular file or not UTF-8 text.
        public static let unreadable = Kind("unreadable")
        /// A line without a colon, with an empty user or an empty hash, or a hash that is cut short.
        public static let malformedLine = Kind("malformedLine")
        /// A user appears on two lines.
        public static let duplicateUser = Kind("duplicateUser")
        /// A hash format Wharf refuses: MD5 (apr1), SHA-1, DES crypt, plain text, or an unknown scheme.
        public static let refusedHash = Kind("refusedHash")
        /// A user name that cannot be written to an htpasswd file.
        public static let invalidUser = Kind("invalidUser")
        /// A password that cannot be hashed (NUL bytes, longer than bcrypt's 72 bytes).
        public static let invalidPassword = Kind("invalidPassword")
        /// The file could not be replaced.
        public static let writeFailed = Kind("writeFailed")

        public var description: String { name }
    }
}

/// The keys requests to the bucket are signed with.
///
/// Its description never shows the secret or the session token, so a credential that ends up
/// in a log line or an error message gives nothing away.
public struct S3Credentials: Sendable, Equatable, CustomStringConvertible {
    /// The access key id (not secret: it names the key, as in AWS's own error messages).
    public let accessKey: String
    /// The secret access key.
    public let secretKey: String
    /// `AWS_SESSION_TOKEN` for temporary credentials, sent as `X-Amz-Security-Token`.
    public let sessionToken: String?

    public init(accessKey: String, secretKey: String, sessionToken: String? = nil) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.sessionToken = sessionToken
    }

    public var description: String { "S3Credentials(accessKey: \(accessKey), secretKey: ********)" }
}

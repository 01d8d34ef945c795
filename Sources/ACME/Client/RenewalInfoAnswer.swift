/// What the CA's renewalInfo endpoint answered for one certificate.
public struct RenewalInfoAnswer: Sendable, Hashable {
    /// The suggested window and explanation.
    public let info: RenewalInfo
    /// The `Retry-After` the CA sent: when to ask again (nil when absent or unreadable).
    public let retryAfter: Duration?

    /// An answer, e.g. for a test.
    public init(info: RenewalInfo, retryAfter: Duration?) {
        self.info = info
        self.retryAfter = retryAfter
    }
}

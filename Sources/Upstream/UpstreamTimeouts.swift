/// How long Wharf waits on an upstream (`proxy.timeouts.*`, ours).
public struct UpstreamTimeouts: Sendable, Equatable {
    /// `connect`: for a TCP (and TLS) connection to be made.
    public var connect: Duration = .seconds(5)
    /// `response`: from a request sent to its answer's status line and headers.
    public var response: Duration = .seconds(30)
    /// `idle`: between two reads of an answer; a body that stalls this long mid-blob ends the
    /// download (its clients are cut off and nothing is stored).
    public var idle: Duration = .seconds(30)

    public init() {}
}

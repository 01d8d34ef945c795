/// The data of a TSIG record (RFC 8945 §4.2).
public struct TSIGData: Sendable, Hashable {
    /// The MAC algorithm, e.g. `hmac-sha256.`.
    public var algorithm: DNSName
    /// Seconds since the Unix epoch when the message was signed (48 bits on the wire).
    public var timeSigned: UInt64
    /// How many seconds of clock difference the signer allows.
    public var fudge: UInt16
    /// The message authentication code.
    public var mac: [UInt8]
    /// The id of the message as first signed (it survives a forwarder changing the header id).
    public var originalID: UInt16
    /// A TSIG error (BADSIG, BADKEY, BADTIME, ...) or NOERROR.
    public var error: DNSResponseCode
    /// Extra data; a BADTIME answer carries the server's time here.
    public var otherData: [UInt8]

    /// Creates TSIG data.
    public init(
        algorithm: DNSName,
        timeSigned: UInt64,
        fudge: UInt16,
        mac: [UInt8],
        originalID: UInt16,
        error: DNSResponseCode = .noError,
        otherData: [UInt8] = []
    ) {
        self.algorithm = algorithm
        self.timeSigned = timeSigned
        self.fudge = fudge
        self.mac = mac
        self.originalID = originalID
        self.error = error
        self.otherData = otherData
    }
}

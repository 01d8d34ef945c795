/// The data of an SOA record (RFC 1035 §3.3.13).
public struct SOAData: Sendable, Hashable {
    /// The primary name server of the zone.
    public var primary: DNSName
    /// The mailbox of the person responsible, in name form.
    public var responsible: DNSName
    /// The zone's serial number.
    public var serial: UInt32
    /// Seconds between secondary refreshes.
    public var refresh: UInt32
    /// Seconds between retries of a failed refresh.
    public var retry: UInt32
    /// Seconds after which a secondary stops answering without a refresh.
    public var expire: UInt32
    /// The TTL of negative answers (RFC 2308).
    public var minimum: UInt32

    /// Creates SOA data.
    public init(
        primary: DNSName,
        responsible: DNSName,
        serial: UInt32,
        refresh: UInt32,
        retry: UInt32,
        expire: UInt32,
        minimum: UInt32
    ) {
        self.primary = primary
        self.responsible = responsible
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

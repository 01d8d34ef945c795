/// Where a DNS-01 TXT record goes: the name after following CNAMEs, and the zone holding it.
package struct ZoneLocation: Sendable, Hashable {
    /// The name to put the TXT record at: `_acme-challenge.<domain>.`, or where its CNAME chain ends.
    package var recordName: DNSName
    /// The zone apex that holds ``recordName``.
    package var zone: DNSName

    package init(recordName: DNSName, zone: DNSName) {
        self.recordName = recordName
        self.zone = zone
    }
}

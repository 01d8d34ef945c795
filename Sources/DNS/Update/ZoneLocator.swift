/// Finds the zone a challenge record belongs in: it follows a CNAME on the record's name (so a
/// challenge delegated into another zone works), then asks SOA queries from that name upwards
/// until a server names the zone (RFC 2136 §4, as nsupdate and lego do).
package struct ZoneLocator: Sendable {
    let client: DNSClient
    /// Asked in turn until one answers; the first answer (whatever its RCODE) is used.
    let servers: [DNSServerAddress]
    /// Whether the servers are recursive resolvers rather than authoritative servers.
    let recursionDesired: Bool

    package init(client: DNSClient, servers: [DNSServerAddress], recursionDesired: Bool) {
        self.client = client
        self.servers = servers
        self.recursionDesired = recursionDesired
    }

    /// The most CNAMEs followed before giving up (a loop, or a chain no validator follows either).
    static let maximumAliases = 8

    package func locate(_ name: DNSName) async throws -> ZoneLocation {
        var target = name
        var aliases: [DNSName] = [name]
        var candidate: DNSName? = name
        var outcomes: [String] = []
        while let current = candidate, !current.labels.isEmpty {
            let answer = try await ask(current, .soa)
            if current == target,
                let alias = answer.answers.first(where: { $0.type == .cname && $0.name == current }),
                case .name(let next) = alias.data
            {
                guard aliases.count <= Self.maximumAliases, !aliases.contains(next) else {
                    throw DNSError.noZone(
                        name.description,
                        server: serverList,
                        detail: "its CNAME chain \(aliases.map(\.description).joined(separator: " -> ")) -> \(next) "
                            + "loops or is longer than \(Self.maximumAliases)"
                    )
                }
                aliases.append(next)
                target = next
                candidate = next
                continue
            }
            let code = answer.header.responseCode
            if code == .noError, answer.answers.contains(where: { $0.type == .soa && $0.name == current }) {
                return ZoneLocation(recordName: target, zone: current)
            }
            if code == .noError || code == .nxDomain,
                let soa = answer.authorities.first(where: { $0.type == .soa && current.isWithin($0.name) })
            {
                return ZoneLocation(recordName: target, zone: soa.name)
            }
            outcomes.append("\(current) \(code == .noError ? "no SOA" : code.description)")
            candidate = current.parent
        }
        throw DNSError.noZone(
            target.description,
            server: serverList,
            detail: "SOA queries answered: " + outcomes.joined(separator: ", ")
        )
    }

    private var serverList: String {
        servers.map(\.description).joined(separator: ", ")
    }

    /// Asks the servers in turn; the last network error is thrown when none answers.
    func ask(_ name: DNSName, _ type: DNSRecordType) async throws -> DNSMessage {
        var lastError: (any Error)?
        for server in servers {
            do {
                return try await client.query(name, type: type, server: server, recursionDesired: recursionDesired)
            } catch let error as DNSError where error.kind == .timeout || error.kind == .network {
                lastError = error
            }
        }
        throw lastError ?? DNSError.invalidSetting("resolvers", "no DNS server is configured to ask")
    }
}

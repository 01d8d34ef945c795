import NIOCore
import NIOPosix

/// Finds a zone's authoritative servers: its NS records, and their addresses from the NS
/// answer's additional section, from A/AAAA queries to the same servers, or (when those are
/// not authoritative for the name) from this machine's resolver.
struct AuthoritativeServers: Sendable {
    let locator: ZoneLocator

    /// The zone's NS servers, each with its addresses on `port`; names that do not resolve are left out.
    func find(zone: DNSName, port: Int) async throws -> [CheckTarget] {
        let answer = try await locator.ask(zone, .ns)
        let names = answer.answers.compactMap { record -> DNSName? in
            guard record.type == .ns, record.name == zone, case .name(let target) = record.data else { return nil }
            return target
        }
        var targets: [CheckTarget] = []
        for name in names where !targets.contains(where: { $0.label == name.description }) {
            var addresses = Self.addresses(of: name, in: answer.additionals)
            var authoritative = false
            if addresses.isEmpty {
                (addresses, authoritative) = await lookUp(name)
            }
            // When the servers asked are authoritative for the name, their "no address" is final.
            if addresses.isEmpty, !authoritative {
                addresses = await Self.systemLookUp(name)
            }
            if !addresses.isEmpty {
                let servers = addresses.map { DNSServerAddress(host: $0.description, port: port) }
                targets.append(CheckTarget(label: name.description, addresses: servers))
            }
        }
        return targets
    }

    private static func addresses(of name: DNSName, in records: [DNSRecord]) -> [DNSAddress] {
        records.compactMap { record in
            guard record.name == name, case .address(let address) = record.data else { return nil }
            return address
        }
    }

    /// A and AAAA queries to the locator's servers (IPv4 first), and whether an answer was authoritative.
    private func lookUp(_ name: DNSName) async -> (addresses: [DNSAddress], authoritative: Bool) {
        var found: [DNSAddress] = []
        var authoritative = false
        for type in [DNSRecordType.a, .aaaa] {
            guard let answer = try? await locator.ask(name, type) else { continue }
            let code = answer.header.responseCode
            if answer.header.isAuthoritative, code == .noError || code == .nxDomain {
                authoritative = true
            }
            guard code == .noError else { continue }
            found += answer.answers.compactMap { record in
                guard record.type == type, case .address(let address) = record.data else { return nil }
                return address
            }
        }
        return (found, authoritative)
    }

    /// This machine's resolver (getaddrinfo on threads of its own, so nothing else waits for it).
    private static func systemLookUp(_ name: DNSName) async -> [DNSAddress] {
        let resolved = try? await NameResolution.resolve(name.description, port: 53)
        guard let ip = resolved?.ipAddress, let address = try? DNSAddress(parsing: ip) else { return [] }
        return [address]
    }
}

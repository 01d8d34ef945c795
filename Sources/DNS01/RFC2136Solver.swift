import ACME
import DNS
import Logging

/// The `rfc2136` DNS-01 provider: publishes the TXT record with a TSIG-signed dynamic update
/// (RFC 2136) to the zone's primary server, and waits until the zone's servers answer with it.
///
/// Each value is added and removed on its own, so a wildcard and its apex (two values on one
/// name) coexist within one order.
///
/// ```swift
/// let solver = try RFC2136Solver(
///     settings: RFC2136Settings(nameserver: "192.0.2.53", tsigKey: "acme-key", tsigSecret: secret)
/// )
/// try await solver.present(proof)   // returns once every authoritative server has the value
/// try await solver.cleanup(proof)
/// ```
public struct RFC2136Solver: ChallengeSolver {
    /// `dns-01`.
    public let challengeType = ChallengeType.dns01

    private let nameserver: DNSServerAddress
    private let zone: DNSName?
    private let ttl: UInt32
    private let updater: RFC2136Updater
    private let waiter: PropagationWaiter
    private let client: DNSClient
    private let logger: Logger

    /// Checks the settings and reads the TSIG key file, if any; nothing is sent yet.
    ///
    /// - Parameters:
    ///   - client: the DNS transport (timeouts, retries).
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidConfiguration``) naming the bad setting.
    public init(
        settings: RFC2136Settings,
        propagation: PropagationSettings = PropagationSettings(),
        client: DNSClient = DNSClient(),
        logger: Logger = Logger(label: "wharf.dns.rfc2136")
    ) throws {
        nameserver = try DNSServerAddress(parsing: settings.nameserver, setting: "nameserver")
        do {
            zone = try settings.zone.map { try DNSName($0) }
        } catch {
            throw DNSError.invalidSetting("zone", "\(error)")
        }
        guard (1...Int(Int32.max)).contains(settings.ttl) else {
            throw DNSError.invalidSetting("ttl", "\(settings.ttl) is not a TTL; use seconds between 1 and 2147483647, e.g. 60")
        }
        ttl = UInt32(settings.ttl)
        let signer = try settings.key().map { TSIGSigner(key: $0) }
        updater = RFC2136Updater(client: client, server: nameserver, signer: signer)
        waiter = try PropagationWaiter(settings: propagation, client: client, logger: logger)
        self.client = client
        self.logger = logger
    }

    /// Adds the TXT value, then waits until every server of the propagation check returns it.
    ///
    /// When the check times out, the value is removed again before the error is thrown.
    public func present(_ challenge: ChallengeProof) async throws {
        let value = DNS01Challenge.txtValue(for: challenge.keyAuthorization)
        let location = try await locate(challenge)
        try await updater.addTXT(value, at: location.recordName, ttl: ttl, zone: location.zone)
        logger.info(
            "added DNS-01 TXT record",
            metadata: ["name": "\(location.recordName)", "zone": "\(location.zone)", "nameserver": "\(nameserver)"]
        )
        do {
            try await waiter.waitAfterUpdate(value, at: location, nameserver: nameserver)
        } catch {
            try? await updater.deleteTXT(value, at: location.recordName, zone: location.zone)
            throw error
        }
    }

    /// Deletes exactly the TXT value ``present(_:)`` added; other values of the name stay.
    public func cleanup(_ challenge: ChallengeProof) async throws {
        let value = DNS01Challenge.txtValue(for: challenge.keyAuthorization)
        let location = try await locate(challenge)
        try await updater.deleteTXT(value, at: location.recordName, zone: location.zone)
        logger.info(
            "removed DNS-01 TXT record",
            metadata: ["name": "\(location.recordName)", "zone": "\(location.zone)", "nameserver": "\(nameserver)"]
        )
    }

    /// Where the record goes: the configured zone, or the one SOA queries find (after CNAMEs).
    func locate(_ challenge: ChallengeProof) async throws -> ZoneLocation {
        let name = try DNS01Challenge.recordName(of: challenge)
        if let zone {
            guard name.isWithin(zone) else {
                throw DNSError.outsideZone(name.description, zone: zone.description)
            }
            return ZoneLocation(recordName: name, zone: zone)
        }
        return try await ZoneLocator(client: client, servers: [nameserver], recursionDesired: false).locate(name)
    }
}

import Logging

/// Decides which servers a provider's propagation check asks, then waits for them.
package struct PropagationWaiter: Sendable {
    let settings: PropagationSettings
    let resolvers: [DNSServerAddress]
    let client: DNSClient
    let logger: Logger

    package init(settings: PropagationSettings, client: DNSClient, logger: Logger) throws {
        try settings.validate()
        self.settings = settings
        resolvers = try settings.resolverAddresses()
        self.client = client
        self.logger = logger
    }

    private var checker: PropagationChecker {
        PropagationChecker(client: client, timeout: settings.timeout, pollingInterval: settings.pollingInterval, logger: logger)
    }

    private var resolverTargets: [CheckTarget] {
        resolvers.map { CheckTarget(label: $0.description, addresses: [$0]) }
    }

    /// For rfc2136: the configured resolvers, else the zone's authoritative servers as
    /// `nameserver` lists them (asked on its port), else `nameserver` itself.
    package func waitAfterUpdate(_ value: String, at location: ZoneLocation, nameserver: DNSServerAddress) async throws {
        guard settings.timeout > .zero else { return }
        if !resolvers.isEmpty {
            try await checker.waitUntilVisible(value, at: location.recordName, on: resolverTargets, recursionDesired: true)
            return
        }
        let locator = ZoneLocator(client: client, servers: [nameserver], recursionDesired: false)
        var targets = (try? await AuthoritativeServers(locator: locator).find(zone: location.zone, port: nameserver.port)) ?? []
        if targets.isEmpty {
            logger.debug(
                "the zone's NS names do not resolve; checking the nameserver the update went to",
                metadata: ["zone": "\(location.zone)"]
            )
            targets = [CheckTarget(label: nameserver.description, addresses: [nameserver])]
        }
        try await checker.waitUntilVisible(value, at: location.recordName, on: targets, recursionDesired: false)
    }

    /// For webhook and exec: nothing without resolvers; else the zone's authoritative servers
    /// found through the resolvers (asked on the first resolver's port), else the resolvers.
    package func waitAfterHook(_ value: String, at name: DNSName) async throws {
        guard settings.timeout > .zero, !resolvers.isEmpty else { return }
        let plan = await hookPlan(for: name)
        try await checker.waitUntilVisible(value, at: plan.name, on: plan.targets, recursionDesired: plan.recursionDesired)
    }

    /// Whom the hook providers' check asks, and for which name (after CNAMEs).
    func hookPlan(for name: DNSName) async -> (name: DNSName, targets: [CheckTarget], recursionDesired: Bool) {
        if let first = resolvers.first {
            let locator = ZoneLocator(client: client, servers: resolvers, recursionDesired: true)
            if let location = try? await locator.locate(name),
                let targets = try? await AuthoritativeServers(locator: locator).find(zone: location.zone, port: first.port),
                !targets.isEmpty
            {
                return (location.recordName, targets, false)
            }
        }
        logger.debug("no authoritative servers found through the resolvers; asking the resolvers", metadata: ["name": "\(name)"])
        return (name, resolverTargets, true)
    }
}

import Logging

/// Polls servers until each one answers the TXT query for a name with the expected value.
struct PropagationChecker: Sendable {
    let client: DNSClient
    let timeout: Duration
    let pollingInterval: Duration
    let logger: Logger

    /// What one server said in the latest round.
    private enum Observation: Sendable {
        case visible
        case notYet(String)
    }

    /// Returns once every target shows `value` at `name`.
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/propagationTimeout``) listing the servers still
    ///   without the value and what each last answered.
    func waitUntilVisible(
        _ value: String,
        at name: DNSName,
        on targets: [CheckTarget],
        recursionDesired: Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        var pending = targets
        var lastSeen: [CheckTarget: String] = [:]
        // A single try per round: the next round is the retry.
        var singleTry = client
        singleTry.attempts = 1
        let probe = singleTry
        logger.debug(
            "waiting for TXT to propagate",
            metadata: ["name": "\(name)", "servers": "\(targets.map(\.description).joined(separator: "; "))"]
        )
        while true {
            let round = await withTaskGroup(of: (CheckTarget, Observation).self) { group in
                for target in pending {
                    group.addTask {
                        (
                            target,
                            await Self.observe(value, at: name, on: target, client: probe, recursionDesired: recursionDesired)
                        )
                    }
                }
                var results: [CheckTarget: Observation] = [:]
                for await (target, observation) in group {
                    results[target] = observation
                }
                return results
            }
            pending.removeAll { target in
                switch round[target] {
                case .visible:
                    return true
                case .notYet(let why):
                    lastSeen[target] = why
                    return false
                case nil:
                    return false
                }
            }
            if pending.isEmpty {
                logger.debug("TXT visible on every server", metadata: ["name": "\(name)"])
                return
            }
            guard ContinuousClock.now + pollingInterval < deadline else {
                throw DNSError.notPropagated(
                    name.description,
                    after: timeout,
                    pending: pending.map { "\($0) \(lastSeen[$0] ?? "was not asked")" }
                )
            }
            try await Task.sleep(for: pollingInterval)
        }
    }

    private static func observe(
        _ value: String,
        at name: DNSName,
        on target: CheckTarget,
        client: DNSClient,
        recursionDesired: Bool
    ) async -> Observation {
        var failures: [String] = []
        for server in target.addresses {
            let answer: DNSMessage
            do {
                answer = try await client.query(name, type: .txt, server: server, recursionDesired: recursionDesired)
            } catch {
                failures.append("\(error)")
                continue
            }
            let code = answer.header.responseCode
            guard code == .noError else {
                return .notYet("answered \(code)")
            }
            let values = answer.answers.compactMap { $0.type == .txt ? $0.data.text : nil }
            if values.contains(value) {
                return .visible
            }
            return .notYet(values.isEmpty ? "had no TXT record there yet" : "had \(values.count) other TXT value(s)")
        }
        return .notYet(failures.joined(separator: "; "))
    }
}

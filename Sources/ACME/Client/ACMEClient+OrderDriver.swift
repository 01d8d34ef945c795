import Logging

extension ACMEClient {
    /// Carries out the actions of an ``OrderFlow`` until the certificate is downloaded.
    func run(_ order: OrderParameters, account: Account, connection: ACMEConnection) async throws -> IssuedCertificate {
        let directory = try await connection.directory()
        var flow = OrderFlow(
            request: try newOrderRequest(order, directory: directory),
            challengeType: order.solver.challengeType.rawValue,
            thumbprint: account.key.thumbprint
        )
        var published: [ChallengeProof] = []
        var action = flow.start()
        do {
            while true {
                let event: OrderFlow.Event
                switch action {
                case .createOrder(let request):
                    let response = try await connection.post(
                        directory.newOrder, payload: try ACMEJSON.encode(request), signer: account.signer, action: "the order for \(order.names)")
                    let created = try response.decode(ACMEOrder.self, action: "newOrder")
                    event = .orderCreated(url: response.location, order: created, retryAfter: response.retryAfter)
                case .fetchAuthorizations(let urls, let delay):
                    try await wait(delay, order: order, stage: "the validation of \(order.names)")
                    event = try await fetchAuthorizations(urls, account: account, connection: connection)
                case .presentChallenges(let pending):
                    published += pending.map(\.proof)
                    event = await present(pending, solver: order.solver)
                case .respondToChallenges(let urls):
                    var settled = true
                    for url in urls {
                        let response = try await connection.post(url, payload: try ACMEJSON.encode(EmptyObject()), signer: account.signer, action: "the challenge response")
                        let status = (try? response.decode(ACMEChallenge.self, action: "the challenge response"))?.status
                        settled = settled && (status == .valid || status == .invalid)
                    }
                    event = .challengesResponded(settled: settled)
                case .cleanUpChallenges(let proofs):
                    await cleanUp(proofs, solver: order.solver)
                    published.removeAll { proofs.contains($0) }
                    event = .challengesCleanedUp
                case .fetchOrder(let delay):
                    try await wait(delay, order: order, stage: "the issuance for \(order.names)")
                    guard let url = flow.orderURL else {
                        throw ACMEError.unexpectedResponse(directory.newOrder, action: "newOrder", reason: "no order URL to poll")
                    }
                    let response = try await connection.postAsGet(url, signer: account.signer, action: "the order poll")
                    event = .orderFetched(try response.decode(ACMEOrder.self, action: "the order poll"), retryAfter: response.retryAfter)
                case .finalize(let url):
                    let payload = try ACMEJSON.encode(FinalizeRequest(csr: Base64URL.encode(order.csr)))
                    let response = try await connection.post(url, payload: payload, signer: account.signer, action: "finalize")
                    event = .orderFetched(try response.decode(ACMEOrder.self, action: "finalize"), retryAfter: response.retryAfter)
                case .downloadCertificate(let url):
                    return try await download(url, order: order, account: account, connection: connection)
                case .fail(let error, let deactivate, let proofs):
                    await cleanUp(proofs, solver: order.solver)
                    published.removeAll { proofs.contains($0) }
                    await deactivateAuthorizations(deactivate, account: account, connection: connection)
                    throw error
                }
                action = flow.handle(event)
            }
        } catch {
            // Whatever failed (network, cancellation), nothing stays published.
            await cleanUp(published, solver: order.solver)
            throw error
        }
    }

    private func fetchAuthorizations(_ urls: [String], account: Account, connection: ACMEConnection) async throws -> OrderFlow.Event {
        var fetched: [String: ACMEAuthorization] = [:]
        var retryAfter: Duration?
        for url in urls {
            let response = try await connection.postAsGet(url, signer: account.signer, action: "the authorization fetch")
            fetched[url] = try response.decode(ACMEAuthorization.self, action: "the authorization fetch")
            if let asked = response.retryAfter {
                retryAfter = max(retryAfter ?? .zero, asked)
            }
        }
        return .authorizationsFetched(fetched, retryAfter: retryAfter)
    }

    /// Publishes every proof at once (DNS-01 propagation waits overlap); the first failure wins.
    private func present(_ pending: [OrderFlow.PendingChallenge], solver: any ChallengeSolver) async -> OrderFlow.Event {
        await withTaskGroup(of: (ChallengeProof, String?).self) { group in
            for challenge in pending {
                let proof = challenge.proof
                logger.debug("presenting a challenge", metadata: ["type": "\(solver.challengeType)", "domain": "\(proof.domain)", "keyAuthorization": "\(proof.keyAuthorization)"])
                group.addTask {
                    do {
                        try await solver.present(proof)
                        return (proof, nil)
                    } catch {
                        return (proof, "\(error)")
                    }
                }
            }
            var failure: OrderFlow.Event?
            for await (proof, reason) in group {
                if let reason, failure == nil {
                    let name = proof.isWildcard ? "*.\(proof.domain)" : proof.domain
                    failure = .presentationFailed(identifier: name, challengeType: solver.challengeType.rawValue, reason: reason)
                }
            }
            return failure ?? .challengesPresented
        }
    }

    /// Removes proofs; a failure is logged, never thrown (the order's outcome matters more).
    func cleanUp(_ proofs: [ChallengeProof], solver: any ChallengeSolver) async {
        for proof in proofs {
            do {
                try await solver.cleanup(proof)
            } catch {
                logger.warning("could not remove a challenge proof", metadata: ["domain": "\(proof.domain)", "type": "\(solver.challengeType)", "error": "\(error)"])
            }
        }
    }

    /// Deactivates authorizations after a failure, best effort.
    private func deactivateAuthorizations(_ urls: [String], account: Account, connection: ACMEConnection) async {
        for url in urls {
            do {
                let payload = try ACMEJSON.encode(DeactivationRequest())
                _ = try await connection.post(url, payload: payload, signer: account.signer, action: "the authorization deactivation")
                logger.debug("deactivated an authorization", metadata: ["authorization": "\(url)"])
            } catch {
                logger.debug("could not deactivate an authorization", metadata: ["authorization": "\(url)", "error": "\(error)"])
            }
        }
    }

    /// Sleeps `delay` unless that would pass the order's deadline.
    private func wait(_ delay: Duration, order: OrderParameters, stage: String) async throws {
        let now = ContinuousClock.now
        guard now + delay <= order.deadline else {
            // Only the CA's Retry-After makes a delay longer than the backoff's cap: report it.
            throw ACMEError.timedOut(stage, limit: timeout, retryAfter: delay > PollBackoff().maximum ? delay : nil)
        }
        if delay > .zero {
            try await Task.sleep(for: delay)
        }
    }
}

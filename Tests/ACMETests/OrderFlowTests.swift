import Testing

@testable import ACME

@Suite("order state machine")
struct OrderFlowTests {
    typealias F = OrderFlowFixtures

    func makeFlow(_ request: NewOrderRequest = F.request()) -> OrderFlow {
        OrderFlow(request: request, challengeType: "http-01", thumbprint: F.thumbprint)
    }

    @Test("pending -> ready -> processing -> valid, reusing an authorization that is already valid")
    func happyPath() {
        var flow = makeFlow()
        #expect(flow.start() == .createOrder(F.request()))
        #expect(flow.handle(.orderCreated(url: F.orderURL, order: F.order(.pending), retryAfter: nil)) == .fetchAuthorizations(["a1", "a2"], after: .zero))

        // a1 was validated by an earlier order: only a2 needs a challenge, and only its http-01 one.
        let fetched = flow.handle(.authorizationsFetched(["a1": F.authorization(F.mirror, .valid), "a2": F.authorization(F.www, .pending, token: "t2")], retryAfter: nil))
        #expect(fetched == .presentChallenges([F.pending(F.www, authorization: "a2", token: "t2")]))
        #expect(flow.handle(.challengesPresented) == .respondToChallenges(["https://ca.test/chall/www.example.test/http-01"]))

        // Polls back off from 150 ms while the CA validates.
        #expect(flow.handle(.challengesResponded(settled: false)) == .fetchAuthorizations(["a2"], after: .milliseconds(150)))
        let stillPending = flow.handle(.authorizationsFetched(["a2": F.authorization(F.www, .pending, token: "t2", challengeStatus: .processing)], retryAfter: nil))
        #expect(stillPending == .fetchAuthorizations(["a2"], after: .milliseconds(240)))

        let valid = flow.handle(.authorizationsFetched(["a2": F.authorization(F.www, .valid, token: "t2", challengeStatus: .valid)], retryAfter: nil))
        #expect(valid == .cleanUpChallenges([F.proof(F.www, token: "t2")]))
        #expect(flow.handle(.challengesCleanedUp) == .fetchOrder(after: .zero))

        #expect(flow.handle(.orderFetched(F.order(.ready), retryAfter: nil)) == .finalize(url: F.finalizeURL))
        // Pebble finalizes asynchronously: the finalize answer says processing, with or without Retry-After.
        #expect(flow.handle(.orderFetched(F.order(.processing), retryAfter: .seconds(2))) == .fetchOrder(after: .seconds(2)))
        #expect(flow.handle(.orderFetched(F.order(.processing), retryAfter: nil)) == .fetchOrder(after: .milliseconds(150)))
        #expect(flow.handle(.orderFetched(F.order(.valid, certificate: F.certificateURL), retryAfter: nil)) == .downloadCertificate(url: F.certificateURL))
        #expect(flow.orderURL == F.orderURL)
    }

    @Test("when the challenge answers already show a decision, the authorizations are fetched at once")
    func settledChallenges() {
        var flow = makeFlow(F.request([F.mirror]))
        _ = flow.start()
        _ = flow.handle(.orderCreated(url: F.orderURL, order: F.order(.pending, authorizations: ["a1"]), retryAfter: nil))
        _ = flow.handle(.authorizationsFetched(["a1": F.authorization(F.mirror, .pending, token: "t1")], retryAfter: nil))
        _ = flow.handle(.challengesPresented)
        #expect(flow.handle(.challengesResponded(settled: true)) == .fetchAuthorizations(["a1"], after: .zero))
    }

    @Test("an invalid authorization deactivates the unfinished ones, removes the proofs and names the host")
    func invalidAuthorization() throws {
        var flow = makeFlow()
        _ = flow.start()
        _ = flow.handle(.orderCreated(url: F.orderURL, order: F.order(.pending), retryAfter: nil))
        let present = flow.handle(.authorizationsFetched([
            "a1": F.authorization(F.mirror, .pending, token: "t1"),
            "a2": F.authorization(F.www, .pending, token: "t2"),
        ], retryAfter: nil))
        #expect(present == .presentChallenges([F.pending(F.mirror, authorization: "a1", token: "t1"), F.pending(F.www, authorization: "a2", token: "t2")]))
        _ = flow.handle(.challengesPresented)
        _ = flow.handle(.challengesResponded(settled: false))

        let refused = ACMEProblem(type: "urn:ietf:params:acme:error:connection", detail: "127.0.0.1: Connection refused", status: 400)
        let action = flow.handle(.authorizationsFetched([
            "a1": F.authorization(F.mirror, .invalid, token: "t1", challengeStatus: .invalid, error: refused),
            "a2": F.authorization(F.www, .pending, token: "t2", challengeStatus: .processing),
        ], retryAfter: nil))
        guard case .fail(let error, let deactivate, let cleanUp) = action else {
            Issue.record("expected the flow to fail, got \(action)")
            return
        }
        #expect(deactivate == ["a1", "a2"])
        #expect(cleanUp == [F.proof(F.mirror, token: "t1"), F.proof(F.www, token: "t2")])
        #expect(error.kind == .validationFailed)
        #expect(error.identifier == "mirror.example.test")
        #expect(error.problem == refused)
        #expect(error.description.contains("Connection refused"))
    }

    @Test("a wildcard without the solver's challenge type fails with advice, deactivating it")
    func noMatchingChallenge() {
        let wildcard = ACMEIdentifier(type: "dns", value: "*.example.test")
        var flow = makeFlow(F.request([wildcard]))
        _ = flow.start()
        _ = flow.handle(.orderCreated(url: F.orderURL, order: F.order(.pending, authorizations: ["w"]), retryAfter: nil))
        let bare = ACMEIdentifier(type: "dns", value: "example.test")
        let action = flow.handle(.authorizationsFetched(["w": F.authorization(bare, .pending, types: ["dns-01"], wildcard: true)], retryAfter: nil))
        guard case .fail(let error, let deactivate, let cleanUp) = action else {
            Issue.record("expected the flow to fail, got \(action)")
            return
        }
        #expect(error.kind == .noMatchingChallenge)
        #expect(error.identifier == "*.example.test")
        #expect(error.description.contains("dns-01"))
        #expect(deactivate == ["w"])
        #expect(cleanUp.isEmpty)
    }

    @Test("a solver failure gives up, deactivating and cleaning up")
    func solverFailure() {
        var flow = makeFlow()
        _ = flow.start()
        _ = flow.handle(.orderCreated(url: F.orderURL, order: F.order(.pending), retryAfter: nil))
        _ = flow.handle(.authorizationsFetched(["a1": F.authorization(F.mirror, .valid), "a2": F.authorization(F.www, .pending, token: "t2")], retryAfter: nil))
        let action = flow.handle(.presentationFailed(identifier: "www.example.test", challengeType: "http-01", reason: "TXT never appeared"))
        #expect(action == .fail(
            .solverFailed("www.example.test", challengeType: "http-01", reason: "TXT never appeared"),
            deactivate: ["a2"],
            cleanUp: [F.proof(F.www, token: "t2")]
        ))
    }

    @Test("an order whose authorizations are all reused goes straight to finalize")
    func readyAtOnce() {
        var flow = makeFlow()
        _ = flow.start()
        #expect(flow.handle(.orderCreated(url: F.orderURL, order: F.order(.ready), retryAfter: nil)) == .finalize(url: F.finalizeURL))
    }

    @Test("Retry-After on an authorization poll is honoured")
    func retryAfterOnAuthorizations() {
        var flow = makeFlow(F.request([F.mirror]))
        _ = flow.start()
        _ = flow.handle(.orderCreated(url: F.orderURL, order: F.order(.pending, authorizations: ["a1"]), retryAfter: nil))
        _ = flow.handle(.authorizationsFetched(["a1": F.authorization(F.mirror, .pending, token: "t1")], retryAfter: nil))
        _ = flow.handle(.challengesPresented)
        _ = flow.handle(.challengesResponded(settled: false))
        let action = flow.handle(.authorizationsFetched(["a1": F.authorization(F.mirror, .pending, token: "t1", challengeStatus: .processing)], retryAfter: .seconds(4)))
        #expect(action == .fetchAuthorizations(["a1"], after: .seconds(4)))
    }

    @Test("an order that turns invalid after finalize fails with the CA's problem")
    func invalidAfterFinalize() {
        var flow = makeFlow()
        _ = flow.start()
        _ = flow.handle(.orderCreated(url: F.orderURL, order: F.order(.ready), retryAfter: nil))
        let problem = ACMEProblem(type: "urn:ietf:params:acme:error:badCSR", detail: "CSR names are wrong")
        let action = flow.handle(.orderFetched(F.order(.invalid, error: problem), retryAfter: nil))
        guard case .fail(let error, _, _) = action else {
            Issue.record("expected the flow to fail, got \(action)")
            return
        }
        #expect(error.kind == .rejected)
        #expect(error.description.contains("CSR names are wrong"))
        #expect(error.description.contains("keytype ecdsa-p256"))
    }

    @Test("newOrder without a Location header is an unusable answer")
    func missingLocation() {
        var flow = makeFlow()
        _ = flow.start()
        guard case .fail(let error, _, _) = flow.handle(.orderCreated(url: nil, order: F.order(.pending), retryAfter: nil)) else {
            Issue.record("expected the flow to fail")
            return
        }
        #expect(error.kind == .invalidResponse)
    }
}

extension OrderFlow {
    /// What happened, as the driver reports it to the flow.
    enum Event: Sendable {
        /// `newOrder` answered: the order URL (`Location`) and the order.
        case orderCreated(url: String?, order: ACMEOrder, retryAfter: Duration?)
        /// The authorizations asked for by ``Action/fetchAuthorizations(_:after:)``, by URL.
        case authorizationsFetched([String: ACMEAuthorization], retryAfter: Duration?)
        /// Every proof of ``Action/presentChallenges(_:)`` is published.
        case challengesPresented
        /// Publishing a proof failed; the flow gives up on the order.
        case presentationFailed(identifier: String, challengeType: String, reason: String)
        /// The CA was told to validate every challenge of ``Action/respondToChallenges(_:)``;
        /// `settled` when every answer already showed the challenge valid or invalid.
        case challengesResponded(settled: Bool)
        /// Every proof of ``Action/cleanUpChallenges(_:)`` was removed.
        case challengesCleanedUp
        /// The order as fetched, or as the finalize request answered it.
        case orderFetched(ACMEOrder, retryAfter: Duration?)
    }

    /// What the driver must do next.
    enum Action: Sendable, Equatable {
        /// POST the payload to the directory's `newOrder`.
        case createOrder(NewOrderRequest)
        /// Wait `after`, then POST-as-GET each authorization URL.
        case fetchAuthorizations([String], after: Duration)
        /// Publish each proof with the solver (all of them before answering any challenge).
        case presentChallenges([PendingChallenge])
        /// POST `{}` to each challenge URL: the CA validates now.
        case respondToChallenges([String])
        /// Remove each proof with the solver.
        case cleanUpChallenges([ChallengeProof])
        /// Wait `after`, then POST-as-GET the order URL.
        case fetchOrder(after: Duration)
        /// POST the CSR to the order's finalize URL.
        case finalize(url: String)
        /// POST-as-GET the certificate chain: the order is valid.
        case downloadCertificate(url: String)
        /// Give up: remove the proofs, deactivate the authorizations (best effort), throw `error`.
        case fail(ACMEError, deactivate: [String], cleanUp: [ChallengeProof])

        static func == (lhs: Action, rhs: Action) -> Bool {
            switch (lhs, rhs) {
            case (.createOrder(let a), .createOrder(let b)): a == b
            case (.fetchAuthorizations(let a, let x), .fetchAuthorizations(let b, let y)): a == b && x == y
            case (.presentChallenges(let a), .presentChallenges(let b)): a == b
            case (.respondToChallenges(let a), .respondToChallenges(let b)): a == b
            case (.cleanUpChallenges(let a), .cleanUpChallenges(let b)): a == b
            case (.fetchOrder(let a), .fetchOrder(let b)): a == b
            case (.finalize(let a), .finalize(let b)): a == b
            case (.downloadCertificate(let a), .downloadCertificate(let b)): a == b
            case (.fail(let a, let x, let p), .fail(let b, let y, let q)): a.description == b.description && x == y && p == q
            default: false
            }
        }
    }

    /// A proof to publish and the challenge it answers.
    struct PendingChallenge: Sendable, Hashable {
        var authorizationURL: String
        var challengeURL: String
        var proof: ChallengeProof
    }

    /// Where one authorization stands.
    struct AuthorizationProgress: Sendable, Hashable {
        var url: String
        var name: String
        var status: ACMEStatus = .pending
        var challenge: PendingChallenge?
        var responded = false
        var cleanedUp = false
    }
}

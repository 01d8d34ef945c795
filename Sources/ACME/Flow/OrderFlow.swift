/// The order flow of RFC 8555 §7.4 as a pure state machine: it is told what happened
/// (``Event``) and answers what to do next (``Action``); it never touches the network, a
/// clock or a solver, so tests drive it with canned responses.
///
/// The flow: create the order; fetch its authorizations (valid ones are reused); present a
/// proof for every pending one with the configured solver's challenge type, then answer all
/// challenges; poll until every authorization is decided (an invalid one ends the flow, with
/// the others deactivated); clean up; finalize when the order is `ready`; follow it through
/// `processing` until `valid`; download the certificate. Polls wait for the CA's `Retry-After`
/// or a short growing backoff (``PollBackoff``).
struct OrderFlow: Sendable {
    /// The `newOrder` payload.
    let request: NewOrderRequest
    /// The challenge type the solver answers (`http-01`, `dns-01`).
    let challengeType: String
    /// The account key's JWK thumbprint, the second half of every key authorization.
    let thumbprint: String

    /// The order's URL, once created.
    private(set) var orderURL: String?
    private var authorizations: [AuthorizationProgress] = []
    private var finalizeSent = false
    private var backoff: PollBackoff

    init(request: NewOrderRequest, challengeType: String, thumbprint: String, backoff: PollBackoff = PollBackoff()) {
        self.request = request
        self.challengeType = challengeType
        self.thumbprint = thumbprint
        self.backoff = backoff
    }

    /// The first action: create the order.
    func start() -> Action {
        .createOrder(request)
    }

    /// The next action after `event`.
    mutating func handle(_ event: Event) -> Action {
        switch event {
        case .orderCreated(let url, let order, let retryAfter):
            guard let url else {
                return fail(.unexpectedResponse("newOrder", action: "newOrder", reason: "the answer has no Location header naming the order"))
            }
            orderURL = url
            authorizations = order.authorizations.map { AuthorizationProgress(url: $0, name: $0) }
            if order.status == .pending, !authorizations.isEmpty {
                return .fetchAuthorizations(authorizations.map(\.url), after: .zero)
            }
            return next(after: order, retryAfter: retryAfter)
        case .authorizationsFetched(let fetched, let retryAfter):
            return authorizationsFetched(fetched, retryAfter: retryAfter)
        case .challengesPresented:
            var urls: [String] = []
            for index in authorizations.indices {
                guard let challenge = authorizations[index].challenge, !authorizations[index].responded else { continue }
                authorizations[index].responded = true
                urls.append(challenge.challengeURL)
            }
            return urls.isEmpty ? pollAuthorizations(retryAfter: nil) : .respondToChallenges(urls)
        case .presentationFailed(let identifier, let challengeType, let reason):
            return fail(.solverFailed(identifier, challengeType: challengeType, reason: reason))
        case .challengesResponded(let settled):
            // A fast CA may have decided before answering: then look at once.
            return settled ? .fetchAuthorizations(undecidedAuthorizations, after: .zero) : pollAuthorizations(retryAfter: nil)
        case .challengesCleanedUp:
            for index in authorizations.indices where authorizations[index].challenge != nil {
                authorizations[index].cleanedUp = true
            }
            backoff.reset()
            return .fetchOrder(after: .zero)
        case .orderFetched(let order, let retryAfter):
            return next(after: order, retryAfter: retryAfter)
        }
    }

    /// What the order's status calls for once the authorizations are settled.
    private mutating func next(after order: ACMEOrder, retryAfter: Duration?) -> Action {
        switch order.status {
        case .ready where !finalizeSent:
            finalizeSent = true
            return .finalize(url: order.finalize)
        case .valid:
            guard let certificate = order.certificate else {
                return .fetchOrder(after: backoff.next(retryAfter: retryAfter))
            }
            return .downloadCertificate(url: certificate)
        case .invalid:
            return fail(.orderFailed(order.error))
        case .expired, .deactivated, .revoked:
            let problem = order.error ?? ACMEProblem(type: "about:blank", detail: "the order is \(order.status.rawValue)")
            return fail(.orderFailed(problem))
        case .pending, .ready, .processing, .unknown:
            return .fetchOrder(after: backoff.next(retryAfter: retryAfter))
        }
    }

    private mutating func authorizationsFetched(_ fetched: [String: ACMEAuthorization], retryAfter: Duration?) -> Action {
        var failures: [ACMEError] = []
        var toPresent: [PendingChallenge] = []
        for index in authorizations.indices {
            guard let authorization = fetched[authorizations[index].url] else { continue }
            authorizations[index].status = authorization.status
            authorizations[index].name = authorization.displayName
            switch authorization.status {
            case .valid:
                continue
            case .invalid:
                let failed = authorization.challenges.first { $0.type == challengeType && $0.error != nil }
                    ?? authorization.challenges.first { $0.error != nil }
                failures.append(.validationFailed(authorization.displayName, challengeType: failed?.type ?? challengeType, problem: failed?.error))
            case .deactivated, .expired, .revoked:
                failures.append(.authorizationUnusable(authorization.displayName, status: authorization.status.rawValue))
            case .pending, .processing, .ready, .unknown:
                guard authorizations[index].challenge == nil else { continue }
                switch choose(for: authorization, url: authorizations[index].url) {
                case .success(let pending):
                    authorizations[index].challenge = pending
                    toPresent.append(pending)
                case .failure(let error):
                    failures.append(error)
                }
            }
        }
        if let failure = failures.first {
            return fail(failure)
        }
        if !toPresent.isEmpty {
            return .presentChallenges(toPresent)
        }
        if authorizations.allSatisfy({ $0.status == .valid }) {
            let proofs = authorizations.compactMap { $0.cleanedUp ? nil : $0.challenge?.proof }
            if !proofs.isEmpty {
                return .cleanUpChallenges(proofs)
            }
            backoff.reset()
            return .fetchOrder(after: .zero)
        }
        return pollAuthorizations(retryAfter: retryAfter)
    }

    /// The challenge of the solver's type, with the proof to publish for it.
    private func choose(for authorization: ACMEAuthorization, url: String) -> Result<PendingChallenge, ACMEError> {
        let wildcard = authorization.wildcard ?? false
        guard let challenge = authorization.challenges.first(where: { $0.type == challengeType }), let token = challenge.token else {
            return .failure(.noMatchingChallenge(
                authorization.displayName,
                wildcard: wildcard,
                solverType: challengeType,
                offered: authorization.challenges.map(\.type)
            ))
        }
        if challenge.status == .invalid {
            return .failure(.validationFailed(authorization.displayName, challengeType: challengeType, problem: challenge.error))
        }
        let proof = ChallengeProof(
            domain: authorization.identifier.value,
            isWildcard: wildcard,
            token: token,
            keyAuthorization: "\(token).\(thumbprint)"
        )
        return .success(PendingChallenge(authorizationURL: url, challengeURL: challenge.url, proof: proof))
    }

    private mutating func pollAuthorizations(retryAfter: Duration?) -> Action {
        .fetchAuthorizations(undecidedAuthorizations, after: backoff.next(retryAfter: retryAfter))
    }

    private var undecidedAuthorizations: [String] {
        authorizations.filter { $0.status != .valid }.map(\.url)
    }

    /// Gives up with `error`: every authorization not valid is deactivated, every proof removed.
    private func fail(_ error: ACMEError) -> Action {
        let deactivate = authorizations
            .filter { [.pending, .processing, .ready, .unknown, .invalid].contains($0.status) }
            .map(\.url)
        let proofs = authorizations.compactMap { $0.cleanedUp ? nil : $0.challenge?.proof }
        return .fail(error, deactivate: deactivate, cleanUp: proofs)
    }
}

import Logging
import Synchronization

extension HtpasswdAuthenticator {
    /// Decides whether a request's `Authorization` header admits it.
    ///
    /// - Parameters:
    ///   - authorization: the header's value, or nil when there is none. A missing header is
    ///     ``AuthenticationDecision/denied`` without counting as a failure (clients first ask
    ///     without credentials to learn the challenge); any other scheme or an unusable value counts.
    ///   - clientAddress: the client's IP address; failures are counted against it with the user.
    /// - Returns: ``AuthenticationDecision/allowed(user:)``, ``AuthenticationDecision/denied`` or
    ///   ``AuthenticationDecision/rateLimited(retryAfter:)``.
    public func authenticate(authorization: String?, clientAddress: String) async -> AuthenticationDecision {
        guard let authorization else { return .denied }
        // Decoded before anything is looked up, so that a refusal takes the same path whether or
        // not the header is cached: a faster 429 would tell a guesser that it guessed right.
        guard let credentials = BasicCredentials(authorization: authorization) else {
            return unusableHeader(from: clientAddress)
        }
        let key = keyer.key(forHeader: authorization)
        let client = FailureLimiter.Client(address: clientAddress, user: credentials.user)
        while true {
            switch nextStep(key: key, client: client) {
            case .decided(let decision):
                if case .rateLimited(let wait) = decision {
                    logger.debug("rate limited", metadata: ["client": "\(clientAddress)", "retryAfter": "\(wait)"])
                }
                return decision
            case .wait:
                switch await waitForFlight(key) {
                case .verified(true):
                    state.withLock { $0.known.insert(client, (), now: self.now()) }
                    return .allowed(user: credentials.user)
                case .verified(false): return .denied
                case .retry: continue
                }
            case .verify(let hash, let generation, let reservation):
                return await verify(credentials, hash: hash, key: key, reservation: reservation, generation: generation)
            }
        }
    }

    private enum Step {
        case decided(AuthenticationDecision)
        case wait
        case verify(hash: String?, generation: UInt64, reservation: FailureLimiter.Reservation)
    }

    /// Counts an unusable header against the address (as a user of its own), unless it is over that limit.
    private func unusableHeader(from address: String) -> AuthenticationDecision {
        let now = self.now()
        let client = FailureLimiter.Client(address: address, user: nil)
        let (wait, reached) = state.withLock { state -> (Int?, [FailureLimiter.Reached]) in
            if let wait = state.limiter.retryAfter(for: client, exempt: false, now: now) { return (wait, []) }
            return (nil, state.limiter.recordFailure(client, now: now))
        }
        if let wait {
            logger.debug("rate limited", metadata: ["client": "\(address)", "retryAfter": "\(wait)"])
            return .rateLimited(retryAfter: wait)
        }
        logger.info("authentication failed: not a usable Basic header", metadata: ["client": "\(address)"])
        logLimitReached(reached)
        return .denied
    }

    /// Under the lock: the limiter, then the cache, then joining or starting a verification.
    ///
    /// The cache is no way around the limits: answering a guess that happens to equal a cached
    /// header would let anyone test passwords at the speed of a lookup.
    private func nextStep(key: CredentialKey, client: FailureLimiter.Client) -> Step {
        let now = self.now()
        return state.withLock { state in
            let exempt = state.known.value(for: client, now: now) != nil
            if let wait = state.limiter.retryAfter(for: client, exempt: exempt, now: now) {
                return .decided(.rateLimited(retryAfter: wait))
            }
            if let user = client.user, state.cache.value(for: key, now: now) == user {
                // A known client stays known until its TTL; a returning request costs no write.
                if !exempt { state.known.insert(client, (), now: now) }
                return .decided(.allowed(user: user))
            }
            if state.flights[key] != nil { return .wait }
            switch state.limiter.reserve(client, exempt: exempt, now: now) {
            case .wait(let seconds):
                return .decided(.rateLimited(retryAfter: seconds))
            case .admitted(let reservation):
                state.flights[key] = []
                let hash = client.user.flatMap { state.file.hash(for: $0) }
                return .verify(hash: hash, generation: state.generation, reservation: reservation)
            }
        }
    }

    /// Waits for the verification of the same credentials that another request started.
    private func waitForFlight(_ key: CredentialKey) async -> AuthenticatorState.FlightOutcome {
        await withCheckedContinuation { continuation in
            let joined = state.withLock { state in
                guard state.flights[key] != nil else { return false }
                state.flights[key, default: []].append(continuation)
                return true
            }
            if !joined { continuation.resume(returning: .retry) }
        }
    }

    /// Runs the hash on the pool, records the outcome and tells the requests that waited for it.
    private func verify(
        _ credentials: BasicCredentials,
        hash: String?,
        key: CredentialKey,
        reservation: FailureLimiter.Reservation,
        generation: UInt64
    ) async -> AuthenticationDecision {
        let matched: Bool
        do {
            if let hash {
                matched = try await hashing.verify(password: credentials.password, against: hash)
            } else {
                try await hashing.burn(password: credentials.password, setting: state.withLock { $0.dummySetting })
                matched = false
            }
        } catch {
            // Cancelled before a thread took it (or the pool is gone): no verdict, no failure counted.
            finishFlight(key, outcome: .retry) { state in
                _ = state.limiter.release(reservation, failed: false, now: self.now())
                return nil
            }
            return .denied
        }
        let now = self.now()
        var reached: [FailureLimiter.Reached] = []
        finishFlight(key, outcome: nil) { state in
            reached = state.limiter.release(reservation, failed: !matched, now: now)
            guard state.generation == generation else { return .retry }
            if matched {
                state.cache.insert(key, credentials.user, now: now)
                state.known.insert(reservation.client, (), now: now)
            }
            return .verified(matched)
        }
        let address = reservation.client.address
        if matched {
            logger.debug("authenticated", metadata: ["user": "\(String(reflecting: credentials.user))", "client": "\(address)"])
            return .allowed(user: credentials.user)
        }
        logger.info(
            "authentication failed: \(hash == nil ? "unknown user" : "wrong password")",
            metadata: ["user": "\(String(reflecting: credentials.user))", "client": "\(address)"]
        )
        logLimitReached(reached)
        return .denied
    }

    /// Removes the flight for `key` under the lock (after `update`) and resumes its waiters outside it.
    private func finishFlight(
        _ key: CredentialKey,
        outcome fixed: AuthenticatorState.FlightOutcome?,
        update: (inout AuthenticatorState) -> AuthenticatorState.FlightOutcome?
    ) {
        let (waiters, outcome) = state.withLock { state in
            let outcome = update(&state) ?? fixed ?? .retry
            return (state.flights.removeValue(forKey: key) ?? [], outcome)
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    private func logLimitReached(_ reached: [FailureLimiter.Reached]) {
        for limit in reached {
            var metadata: Logger.Metadata = ["limit": "\(settings.failureLimit)", "window": "\(settings.failureWindow)"]
            let message: Logger.Message
            switch limit {
            case .client(let client):
                metadata["client"] = "\(client.address)"
                metadata["user"] = "\(client.user.map { String(reflecting: $0) } ?? "(unusable headers)")"
                message = "too many failed attempts for one user from one address; refusing that user there for a while"
            case .user(let user):
                metadata["user"] = "\(String(reflecting: user))"
                message = "too many failed attempts for one user; refusing them for a while, except where they signed in recently"
            case .address(let address):
                metadata["client"] = "\(address)"
                metadata["limit"] = "\(settings.sprayLimit) users"
                message = "too many failed attempts for different users from one address; refusing it for a while, except users signed in there recently"
            }
            logger.warning(message, metadata: metadata)
        }
    }
}

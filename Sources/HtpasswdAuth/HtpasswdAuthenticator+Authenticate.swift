import Logging
import Synchronization

extension HtpasswdAuthenticator {
    /// Decides whether a request's `Authorization` header admits it.
    ///
    /// - Parameters:
    ///   - authorization: the header's value, or nil when there is none. A missing header is
    ///     ``AuthenticationDecision/denied`` without counting as a failure (clients first ask
    ///     without credentials to learn the challenge); any other scheme or an unusable value counts.
    ///   - clientAddress: the client's IP address, which failures are counted against.
    /// - Returns: ``AuthenticationDecision/allowed(user:)``, ``AuthenticationDecision/denied`` or
    ///   ``AuthenticationDecision/rateLimited(retryAfter:)``.
    public func authenticate(authorization: String?, clientAddress: String) async -> AuthenticationDecision {
        guard let authorization else { return .denied }
        let address = FailureLimiter.Key.address(clientAddress)
        let key = authorization.utf8.count <= BasicCredentials.maximumHeaderLength ? keyer.key(forHeader: authorization) : nil
        // A returning client: one lock for the limits and the cache, nothing decoded.
        switch returningClient(key: key, address: address) {
        case .decided(let decision):
            if case .rateLimited(let wait) = decision {
                logger.debug("rate limited", metadata: ["client": "\(clientAddress)", "retryAfter": "\(wait)"])
            }
            return decision
        case .wait, .verify:
            break
        }
        guard let key, let credentials = BasicCredentials(authorization: authorization) else {
            let reached = state.withLock { $0.limiter.recordFailure([address], now: self.now()) }
            logger.info("authentication failed: not a usable Basic header", metadata: ["client": "\(clientAddress)"])
            logLimitReached(reached)
            return .denied
        }
        let keys = [address, .user(credentials.user)]
        while true {
            switch nextStep(key: key, keys: keys, user: credentials.user) {
            case .decided(let decision):
                return decision
            case .wait:
                switch await waitForFlight(key) {
                case .verified(true): return .allowed(user: credentials.user)
                case .verified(false): return .denied
                case .retry: continue
                }
            case .verify(let hash, let generation):
                return await verify(credentials, hash: hash, key: key, keys: keys, generation: generation, client: clientAddress)
            }
        }
    }

    private enum Step {
        case decided(AuthenticationDecision)
        case wait
        case verify(hash: String?, generation: UInt64)
    }

    /// Under the lock: refused while the address is over its limit; admitted when the header
    /// verified recently and its user is not over the limit; otherwise `.verify` (go the long way).
    private func returningClient(key: CredentialKey?, address: FailureLimiter.Key) -> Step {
        let now = self.now()
        return state.withLock { state in
            if let wait = state.limiter.retryAfter(for: address, now: now) {
                return .decided(.rateLimited(retryAfter: wait))
            }
            guard let key, let user = state.cache.value(for: key, now: now) else { return .verify(hash: nil, generation: 0) }
            if let wait = state.limiter.retryAfter(for: .user(user), now: now) {
                return .decided(.rateLimited(retryAfter: wait))
            }
            return .decided(.allowed(user: user))
        }
    }

    /// Under the lock: the limiter, then the cache, then joining or starting a verification.
    private func nextStep(key: CredentialKey, keys: [FailureLimiter.Key], user: String) -> Step {
        let now = self.now()
        return state.withLock { state in
            if let wait = state.limiter.retryAfter(for: keys, now: now) {
                return .decided(.rateLimited(retryAfter: wait))
            }
            if let cachedUser = state.cache.value(for: key, now: now), cachedUser == user {
                return .decided(.allowed(user: user))
            }
            if state.flights[key] != nil { return .wait }
            if let wait = state.limiter.reserve(keys, now: now) {
                return .decided(.rateLimited(retryAfter: wait))
            }
            state.flights[key] = []
            return .verify(hash: state.file.hash(for: user), generation: state.generation)
        }
    }

    /// Waits for the verification of the same credentials that another request started.
    private func waitForFlight(_ key: CredentialKey) async -> AuthenticatorState.FlightOutcome {
        await withCheckedContinuation { continuation in
            let joined = state.withLock { state in
                guard state.flights[key] != nil else { return false }
                state.flights[key]!.append(continuation)
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
        keys: [FailureLimiter.Key],
        generation: UInt64,
        client: String
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
                _ = state.limiter.release(keys, failed: false, now: self.now())
                return nil
            }
            return .denied
        }
        let now = self.now()
        var reached: [FailureLimiter.Key] = []
        finishFlight(key, outcome: nil) { state in
            reached = state.limiter.release(keys, failed: !matched, now: now)
            guard state.generation == generation else { return .retry }
            if matched { state.cache.insert(key, credentials.user, now: now) }
            return .verified(matched)
        }
        if matched {
            logger.debug("authenticated", metadata: ["user": "\(String(reflecting: credentials.user))", "client": "\(client)"])
            return .allowed(user: credentials.user)
        }
        logger.info(
            "authentication failed: \(hash == nil ? "unknown user" : "wrong password")",
            metadata: ["user": "\(String(reflecting: credentials.user))", "client": "\(client)"]
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

    private func logLimitReached(_ keys: [FailureLimiter.Key]) {
        for key in keys {
            switch key {
            case .address(let address):
                logger.warning(
                    "too many failed attempts from one address; refusing it for a while",
                    metadata: ["client": "\(address)", "limit": "\(settings.failureLimit)", "window": "\(settings.failureWindow)"]
                )
            case .user(let user):
                logger.warning(
                    "too many failed attempts for one user; refusing them for a while",
                    metadata: ["user": "\(String(reflecting: user))", "limit": "\(settings.failureLimit)", "window": "\(settings.failureWindow)"]
                )
            }
        }
    }
}

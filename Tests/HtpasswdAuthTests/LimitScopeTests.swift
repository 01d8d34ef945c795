import Testing

@testable import HtpasswdAuth

/// Whose failures may refuse whom, one test per promise, on a clock that moves only when told.
@Suite("Whose failures refuse whom")
struct LimitScopeTests {
    @Test("Bad attempts for one user never block a different user at the same address")
    func oneUserNeverBlocksAnother() async throws {
        let fixture = try await HtpasswdFixture.with([("alice", "alice-pw"), ("bob", "bob-pw")])
        let auth = try await HtpasswdAuthenticator.testing(fixture, settings: .init(failureLimit: 10))
        let nat = "203.0.113.7"
        // A CI job with a stale password keeps retrying: 10 are verified, the rest refused unhashed.
        for attempt in 1...30 {
            let decision = await auth.signIn("alice", "stale\(attempt)", from: nat)
            #expect(attempt <= 10 ? decision == .denied : decision.isRateLimited(atMost: 60), "attempt \(attempt): \(decision)")
        }
        #expect(auth.hashing.hashesComputed == 10)
        #expect(await auth.signIn("alice", "alice-pw", from: nat).isRateLimited())
        // Every other user at that address is verified as usual: a right password, a typo, an unknown user.
        #expect(await auth.signIn("bob", "bob-pw", from: nat) == .allowed(user: "bob"))
        #expect(await auth.signIn("bob", "typo", from: nat) == .denied)
        #expect(await auth.signIn("carol", "carol-pw", from: nat) == .denied)
        #expect(auth.hashing.hashesComputed == 13)
    }

    @Test("The old lockout is gone: 10 failures for several users from one address no longer refuse bob there")
    func natNoLongerLocksOut() async throws {
        let fixture = try await HtpasswdFixture.with([("alice", "alice-pw"), ("bob", "bob-pw")])
        let auth = try await HtpasswdAuthenticator.testing(fixture)
        let nat = "203.0.113.7"
        for attempt in 1...10 {
            let user = attempt.isMultiple(of: 2) ? "alice" : "nobody\(attempt)"
            #expect(await auth.signIn(user, "guess\(attempt)", from: nat) == .denied)
        }
        // When failures were counted per address this was 429 for a minute.
        #expect(await auth.signIn("bob", "bob-pw", from: nat) == .allowed(user: "bob"))
    }

    @Test("A client that signed in from its address keeps working while its password is guessed elsewhere; a new client gets 429 even with the right password")
    func knownClientKeepsWorking() async throws {
        let fixture = try await HtpasswdFixture.with([("alice", "alice-pw")])
        let clock = ManualClock()
        let settings = HtpasswdSettings(cacheTTL: .seconds(60), failureLimit: 5, failureWindow: .seconds(600))
        let auth = try await HtpasswdAuthenticator.testing(fixture, settings: settings, clock: clock)
        let office = "198.51.100.10"
        let stranger = "192.0.2.99"
        #expect(await auth.signIn("alice", "alice-pw", from: office) == .allowed(user: "alice"))
        for attacker in 1...5 {
            #expect(await auth.signIn("alice", "guess\(attacker)", from: "192.0.2.\(attacker)") == .denied)
        }
        let hashed = auth.hashing.hashesComputed
        // No oracle: from an address alice has not signed in from, right and wrong look the same,
        // even though the right header is in the credential cache.
        #expect(await auth.signIn("alice", "alice-pw", from: stranger).isRateLimited(atMost: 600))
        #expect(await auth.signIn("alice", "guess6", from: stranger).isRateLimited(atMost: 600))
        #expect(auth.hashing.hashesComputed == hashed)
        // The office: from the cache, and once that has expired, by verifying again.
        #expect(await auth.signIn("alice", "alice-pw", from: office) == .allowed(user: "alice"))
        clock.advance(by: .seconds(120))
        #expect(await auth.signIn("alice", "alice-pw", from: office) == .allowed(user: "alice"))
        #expect(auth.hashing.hashesComputed == hashed + 1)
        #expect(await auth.signIn("alice", "alice-pw", from: stranger).isRateLimited(atMost: 600))
    }

    @Test("A known client is still limited by failures for its user at its own address, so sharing its address gives no oracle")
    func knownClientKeepsItsOwnLimit() async throws {
        let fixture = try await HtpasswdFixture.with([("alice", "alice-pw"), ("bob", "bob-pw")])
        let auth = try await HtpasswdAuthenticator.testing(fixture, settings: .init(failureLimit: 3))
        let nat = "203.0.113.7"
        #expect(await auth.signIn("alice", "alice-pw", from: nat) == .allowed(user: "alice"))
        for attempt in 1...3 {
            #expect(await auth.signIn("alice", "guess\(attempt)", from: nat) == .denied)
        }
        #expect(await auth.signIn("alice", "guess4", from: nat).isRateLimited(atMost: 60))
        #expect(await auth.signIn("alice", "alice-pw", from: nat).isRateLimited(atMost: 60))
        #expect(await auth.signIn("bob", "bob-pw", from: nat) == .allowed(user: "bob"))
    }

    @Test("Guessing one account is bounded: failureLimit verified guesses per window however many addresses guess")
    func accountGuessRateBounded() async throws {
        let fixture = try await HtpasswdFixture.with([("alice", "alice-pw")])
        let clock = ManualClock()
        let auth = try await HtpasswdAuthenticator.testing(fixture, settings: .init(failureLimit: 5, failureWindow: .seconds(60)), clock: clock)
        let decisions = await withTaskGroup(of: AuthenticationDecision.self) { group in
            for attempt in 0..<40 {
                group.addTask { await auth.signIn("alice", "guess\(attempt)", from: "10.2.0.\(attempt)") }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions.filter { $0 == .denied }.count == 5)
        #expect(decisions.allSatisfy { $0 == .denied || $0.isRateLimited(atMost: 60) })
        for attempt in 1...5 {
            #expect(await auth.signIn("alice", "more\(attempt)", from: "10.3.0.\(attempt)").isRateLimited(atMost: 60))
        }
        #expect(await auth.signIn("alice", "alice-pw", from: "10.3.0.99").isRateLimited(atMost: 60))
        #expect(auth.hashing.hashesComputed == 5)
        clock.advance(by: .seconds(60))
        #expect(await auth.signIn("alice", "alice-pw", from: "10.3.0.99") == .allowed(user: "alice"))
    }

    @Test("Spraying one password from one address is bounded at sprayLimit users, by default 5 × failureLimit")
    func sprayingBounded() async throws {
        let fixture = try await HtpasswdFixture.with([("alice", "alice-pw"), ("bob", "bob-pw")])
        let settings = HtpasswdSettings(failureLimit: 2)
        #expect(settings.sprayLimit == 10)
        let auth = try await HtpasswdAuthenticator.testing(fixture, settings: settings)
        let nat = "203.0.113.7"
        #expect(await auth.signIn("bob", "bob-pw", from: nat) == .allowed(user: "bob"))
        for index in 1...10 {
            #expect(await auth.signIn("user\(index)", "Winter2024!", from: nat) == .denied)
        }
        #expect(await auth.signIn("user11", "Winter2024!", from: nat).isRateLimited(atMost: 60))
        #expect(await auth.signIn("alice", "Winter2024!", from: nat).isRateLimited(atMost: 60))
        // alice never signed in from there, so her right password is refused like the guesses.
        #expect(await auth.signIn("alice", "alice-pw", from: nat).isRateLimited(atMost: 60))
        #expect(auth.hashing.hashesComputed == 11)
        // bob signed in there before the spray; other addresses are untouched.
        #expect(await auth.signIn("bob", "bob-pw", from: nat) == .allowed(user: "bob"))
        #expect(await auth.signIn("alice", "alice-pw", from: "198.51.100.10") == .allowed(user: "alice"))
        #expect(await auth.signIn("user11", "Winter2024!", from: "198.51.100.10") == .denied)
    }

    @Test("A password change forgets the exemption earned with the old one; other users keep theirs")
    func reloadForgetsChangedExemptions() async throws {
        let fixture = try await HtpasswdFixture.with([("alice", "old-pw"), ("bob", "bob-pw")])
        let auth = try await HtpasswdAuthenticator.testing(fixture, settings: .init(failureLimit: 2))
        let office = "198.51.100.10"
        #expect(await auth.signIn("alice", "old-pw", from: office) == .allowed(user: "alice"))
        #expect(await auth.signIn("bob", "bob-pw", from: office) == .allowed(user: "bob"))
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "new-pw", cost: 4)
        #expect(await auth.reload())
        for (user, address) in [("alice", "192.0.2.1"), ("alice", "192.0.2.2"), ("bob", "192.0.2.1"), ("bob", "192.0.2.2")] {
            #expect(await auth.signIn(user, "guess-\(address)", from: address) == .denied)
        }
        #expect(await auth.signIn("alice", "new-pw", from: office).isRateLimited(atMost: 60))
        #expect(await auth.signIn("bob", "bob-pw", from: office) == .allowed(user: "bob"))
    }
}

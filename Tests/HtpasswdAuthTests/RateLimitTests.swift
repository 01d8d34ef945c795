import Foundation
import Testing
import WharfTesting

@testable import HtpasswdAuth

@Suite("Limiting password guessing")
struct RateLimitTests {
    private func makeAuthenticator(
        _ fixture: HtpasswdFixture,
        settings: HtpasswdSettings = .init()
    ) async throws -> HtpasswdAuthenticator {
        try await HtpasswdAuthenticator.testing(fixture, settings: settings)
    }

    @Test("The 11th bad attempt in a minute for one user from one address is rate limited without a hash; no header never counts")
    func eleventhAttemptFromOneAddress() async throws {
        let fixture = try await HtpasswdFixture.with([("alice", "alice-pw"), ("bob", "bob-pw")])
        let auth = try await makeAuthenticator(fixture)
        for attempt in 1...10 {
            #expect(await auth.signIn("alice", "guess\(attempt)", from: "203.0.113.7") == .denied)
        }
        let hashed = auth.hashing.hashesComputed
        #expect(await auth.signIn("alice", "alice-pw", from: "203.0.113.7").isRateLimited(atMost: 60))
        #expect(auth.hashing.hashesComputed == hashed, "a rate-limited attempt must not cost a hash")
        #expect(await auth.signIn("bob", "bob-pw", from: "198.51.100.1") == .allowed(user: "bob"))
        #expect(await auth.signIn("bob", "wrong", from: "198.51.100.2") == .denied)
        for _ in 0..<20 { #expect(await auth.authenticate(authorization: nil, clientAddress: "198.51.100.3") == .denied) }
        #expect(await auth.signIn("bob", "bob-pw", from: "198.51.100.3") == .allowed(user: "bob"))
    }

    @Test("Failures for one user from many addresses rate-limit that user only")
    func perUserLimit() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "alice-pw", cost: 4)
        try await HtpasswdEditor.add(file: fixture.path, user: "bob", password: "bob-pw", cost: 4)
        let auth = try await makeAuthenticator(fixture, settings: .init(failureLimit: 5))
        for attempt in 1...5 {
            #expect(await auth.authenticate(authorization: basic("alice", "guess\(attempt)"), clientAddress: "10.1.0.\(attempt)") == .denied)
        }
        let limited = await auth.authenticate(authorization: basic("alice", "guess6"), clientAddress: "10.1.0.6")
        #expect(limited != .denied && limited != .allowed(user: "alice"), "\(limited)")
        #expect(await auth.authenticate(authorization: basic("bob", "bob-pw"), clientAddress: "10.1.0.6") == .allowed(user: "bob"))
    }

    @Test("Unusable headers are limited per address as a user of their own: they refuse more of themselves, not bob")
    func malformedHeadersCount() async throws {
        let fixture = try await HtpasswdFixture.with([("bob", "bob-pw")])
        let auth = try await makeAuthenticator(fixture, settings: .init(failureLimit: 3))
        for _ in 0..<3 { #expect(await auth.authenticate(authorization: "Bearer x", clientAddress: "a") == .denied) }
        #expect(await auth.authenticate(authorization: "Basic !!!", clientAddress: "a").isRateLimited(atMost: 60))
        #expect(await auth.signIn("bob", "bob-pw", from: "a") == .allowed(user: "bob"))
    }

    @Test("Once the window has passed, the client may try again")
    func windowSlides() async throws {
        let fixture = try await HtpasswdFixture.with([("bob", "bob-pw")])
        let clock = ManualClock()
        let auth = try await HtpasswdAuthenticator.testing(fixture, settings: .init(failureLimit: 2, failureWindow: .seconds(6)), clock: clock)
        #expect(await auth.signIn("bob", "x", from: "a") == .denied)
        clock.advance(by: .seconds(1))
        #expect(await auth.signIn("bob", "y", from: "a") == .denied)
        #expect(await auth.authenticate(authorization: basic("bob", "bob-pw"), clientAddress: "a") == .rateLimited(retryAfter: 5))
        clock.advance(by: .seconds(5))
        #expect(await auth.signIn("bob", "bob-pw", from: "a") == .allowed(user: "bob"))
    }

    @Test("An unknown user takes about as long as a wrong password, and both are denied")
    func unknownUserCostsAHash() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "alice-pw", cost: 10)
        let auth = try await makeAuthenticator(fixture, settings: .init(failureLimit: 0))
        let clock = ContinuousClock()
        var wrong: [Duration] = []
        var unknown: [Duration] = []
        for round in 0..<3 {
            var decision = AuthenticationDecision.allowed(user: "?")
            wrong.append(await clock.measure {
                decision = await auth.authenticate(authorization: basic("alice", "nope\(round)"), clientAddress: "a")
            })
            #expect(decision == .denied)
            unknown.append(await clock.measure {
                decision = await auth.authenticate(authorization: basic("zed\(round)", "nope"), clientAddress: "a")
            })
            #expect(decision == .denied)
        }
        #expect(auth.hashing.hashesComputed == 6)
        let fastestUnknown = try #require(unknown.min())
        let fastestWrong = try #require(wrong.min())
        // Same cost, so the same time; the factor only absorbs a loaded machine's noise.
        #expect(fastestUnknown * 4 > fastestWrong, "unknown \(unknown), wrong \(wrong)")
        #expect(fastestWrong * 4 > fastestUnknown, "unknown \(unknown), wrong \(wrong)")
    }

    @Test("A burst of concurrent guesses from one address queues no more hashes than the limit")
    func burstFromOneAddress() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "alice-pw", cost: 8)
        let auth = try await makeAuthenticator(fixture, settings: .init(failureLimit: 10))
        let decisions = await withTaskGroup(of: AuthenticationDecision.self) { group in
            for attempt in 0..<60 {
                group.addTask { await auth.authenticate(authorization: basic("alice", "guess\(attempt)"), clientAddress: "a") }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions.filter { $0 == .denied }.count == 10)
        #expect(decisions.allSatisfy { if case .rateLimited(let wait) = $0 { wait > 0 } else { $0 == .denied } })
        #expect(auth.hashing.hashesComputed == 10)
    }
}

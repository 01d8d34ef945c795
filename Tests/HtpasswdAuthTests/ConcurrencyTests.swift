import Testing
import WharfTesting

@testable import HtpasswdAuth

@Suite("Bounding the hashing work")
struct ConcurrencyTests {
    @Test("Many concurrent wrong passwords never run more than maxConcurrentHashes bcrypts at once", arguments: [1, 2, 3])
    func boundedHashing(maxConcurrentHashes: Int) async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "alice-pw", cost: 8)
        let auth = try await HtpasswdAuthenticator(
            path: fixture.path,
            realm: "r",
            settings: .init(maxConcurrentHashes: maxConcurrentHashes, failureLimit: 0),
            logger: LogRecorder().logger
        )
        let attempts = 24
        let decisions = await withTaskGroup(of: AuthenticationDecision.self) { group in
            for attempt in 0..<attempts {
                // The limiter is off, so that every attempt reaches the hash.
                group.addTask {
                    let user = attempt.isMultiple(of: 3) ? "ghost\(attempt)" : "alice"
                    return await auth.authenticate(authorization: basic(user, "guess\(attempt)"), clientAddress: "10.9.0.\(attempt)")
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(decisions == Array(repeating: .denied, count: attempts))
        #expect(auth.hashing.hashesComputed == attempts)
        #expect(auth.hashing.peakConcurrency == maxConcurrentHashes)
    }
}

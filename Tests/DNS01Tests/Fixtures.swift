import ACME
import Foundation
import Testing
import WharfTesting

@testable import DNS
@testable import DNS01

/// Small builders shared by the DNS tests.
enum Fixtures {
    /// A proof for `domain` with a random token (so parallel tests never share a value).
    static func proof(_ domain: String, wildcard: Bool = false) -> ChallengeProof {
        let token = UUID().uuidString
        return ChallengeProof(domain: domain, isWildcard: wildcard, token: token, keyAuthorization: "\(token).thumbprint")
    }

    /// Fast polling for tests: 100 ms between rounds, at most `timeout`.
    static func propagation(timeout: Duration = .seconds(10), resolvers: [String] = []) -> PropagationSettings {
        PropagationSettings(timeout: timeout, pollingInterval: .milliseconds(100), resolvers: resolvers)
    }

    /// A client that gives up within seconds (5 s a try: named answered a TCP query after more
    /// than 2 s when the whole suite loaded both cores).
    static let client = DNSClient(timeout: .seconds(5), attempts: 2)

    /// Presents a fresh proof for `host`, checks `txtValues` answers exactly its TXT value,
    /// cleans up and checks the record is gone.
    @discardableResult
    static func presentAndCleanUp(
        _ solver: some ChallengeSolver,
        host: String,
        txtValues: (String) async throws -> [String]
    ) async throws -> ChallengeProof {
        let proof = proof(host)
        try await solver.present(proof)
        #expect(try await txtValues("_acme-challenge.\(host)") == [DNS01Challenge.txtValue(for: proof.keyAuthorization)])
        try await solver.cleanup(proof)
        #expect(try await txtValues("_acme-challenge.\(host)") == [])
        return proof
    }

    /// The same, against BIND.
    static func presentAndCleanUp(_ solver: some ChallengeSolver, host: String, bind: BindPeer) async throws {
        try await presentAndCleanUp(solver, host: host, txtValues: bind.txtValues)
    }
}

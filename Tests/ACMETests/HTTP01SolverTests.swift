import Testing

@testable import ACME

@Suite("the HTTP-01 solver")
struct HTTP01SolverTests {
    @Test("the HTTP-01 solver serves the key authorization exactly while presented")
    func http01Solver() async throws {
        let tokens = HTTP01TokenTable()
        let solver = HTTP01Solver(tokens: tokens)
        let proof = ChallengeProof(domain: "mirror.example.test", isWildcard: false, token: "tok", keyAuthorization: "tok.THUMB")
        #expect(solver.challengeType == .http01)
        #expect(solver.challengeType.rawValue == "http-01")
        try await solver.present(proof)
        #expect(tokens.keyAuthorization(for: "tok") == "tok.THUMB")
        try await solver.cleanup(proof)
        #expect(tokens.keyAuthorization(for: "tok") == nil)
    }
}

import ACME
import Testing

@testable import Certificates

@Suite("the order challenges are tried in, and when a failure falls back")
struct ChallengeOrderTests {
    let solvers: [any ChallengeSolver] = [TLSALPN01Solver(table: TLSALPN01ChallengeTable()), HTTP01Solver(tokens: HTTP01TokenTable())]

    @Test("the configured order, with the remembered challenge moved first; an unknown or absent one changes nothing")
    func order() {
        #expect(ChallengeOrder.solvers(solvers, preferring: nil).map(\.challengeType) == [.tlsALPN01, .http01])
        #expect(ChallengeOrder.solvers(solvers, preferring: "http-01").map(\.challengeType) == [.http01, .tlsALPN01])
        #expect(ChallengeOrder.solvers(solvers, preferring: "tls-alpn-01").map(\.challengeType) == [.tlsALPN01, .http01])
        #expect(ChallengeOrder.solvers(solvers, preferring: "dns-01").map(\.challengeType) == [.tlsALPN01, .http01])
    }

    @Test("a failure names each challenge tried, in order")
    func failureText() {
        #expect("\(ChallengeFallbackError(failures: ["http-01: refused"]))" == "http-01: refused")
        #expect("\(ChallengeFallbackError(failures: ["tls-alpn-01: a", "http-01: b"]))" == "every challenge tried failed: tls-alpn-01: a; then http-01: b")
    }
}

import Foundation

@testable import ACME

/// JSON from an ACME server: directories, orders, authorizations, renewal information and
/// problem documents. Decoding never traps, and what decodes can be described.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    if let problem = ACMEProblem.parse(bytes) {
        describe(problem)
    }
    if let directory = try? ACMEJSON.decode(ACMEDirectory.self, from: bytes) {
        _ = (directory.offersRenewalInfo, directory.profiles, directory.requiresExternalAccountBinding)
    }
    if let order = try? ACMEJSON.decode(ACMEOrder.self, from: bytes) {
        _ = order.identifiers.map(\.description)
        if let error = order.error { describe(error) }
    }
    if let authorization = try? ACMEJSON.decode(ACMEAuthorization.self, from: bytes) {
        _ = authorization.displayName
        for challenge in authorization.challenges {
            if let error = challenge.error { describe(error, challengeType: challenge.type) }
        }
    }
    if let info = try? ACMEJSON.decode(RenewalInfo.self, from: bytes) {
        _ = info.suggestedWindow.isValid
    }
    return 0
}

private func describe(_ problem: ACMEProblem, challengeType: String? = nil) {
    _ = problem.description
    _ = ProblemAdvice.advice(for: problem, challengeType: challengeType)
}

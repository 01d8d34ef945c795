/// Why getting a certificate from an ACME CA failed.
///
/// The ``description`` names the identifier or URL concerned, quotes the CA's own detail
/// when there is one, and says what to do. It never contains a key, a token or an HMAC key.
/// Branch on ``kind``; a caller scheduling a retry reads ``retryAfter``:
///
/// ```swift
/// do {
///     certificate = try await client.obtainCertificate(hosts: hosts, keyType: .ecdsaP256, solver: solver)
/// } catch let error as ACMEError where error.kind == .rateLimited {
///     scheduleRetry(after: error.retryAfter ?? .seconds(3600))
/// }
/// ```
public struct ACMEError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case invalidConfiguration(setting: String, reason: String)
        case invalidAccountKey(source: String, reason: String)
        case storage(path: String, reason: String)
        case transport(url: String, reason: String)
        case unexpectedResponse(url: String, action: String, reason: String)
        case server(url: String, action: String, problem: ACMEProblem, retryAfter: Duration?)
        case httpStatus(url: String, action: String, status: Int, body: String, retryAfter: Duration?)
        case noMatchingChallenge(identifier: String, wildcard: Bool, solverType: String, offered: [String])
        case solverFailed(identifier: String, challengeType: String, reason: String)
        case validationFailed(identifier: String, challengeType: String, problem: ACMEProblem?)
        case authorizationUnusable(identifier: String, status: String)
        case orderFailed(problem: ACMEProblem?)
        case timedOut(stage: String, limit: Duration, retryAfter: Duration?)
        case invalidCertificate(url: String, reason: String)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The class of failure, stable across releases (new kinds may be added).
    public var kind: Kind {
        switch code {
        case .invalidConfiguration: .invalidConfiguration
        case .invalidAccountKey, .storage: .storage
        case .transport: .network
        case .unexpectedResponse: .invalidResponse
        case .httpStatus(_, _, let status, _, _): status == 429 || status >= 500 ? .unavailable : .invalidResponse
        case .server(_, _, let problem, _):
            switch problem.shortType {
            case "rateLimited": .rateLimited
            case "accountDoesNotExist": .accountDoesNotExist
            case "badNonce": .badNonce
            default: .rejected
            }
        case .noMatchingChallenge: .noMatchingChallenge
        case .solverFailed: .solverFailed
        case .validationFailed, .authorizationUnusable: .validationFailed
        case .orderFailed: .rejected
        case .timedOut: .timeout
        case .invalidCertificate: .invalidCertificate
        }
    }

    /// How long the CA asked to wait (`Retry-After`), for rate limits, 503s and polls that would
    /// outlast the deadline; nil when it gave no time.
    public var retryAfter: Duration? {
        switch code {
        case .server(_, _, _, let retryAfter), .httpStatus(_, _, _, _, let retryAfter), .timedOut(_, _, let retryAfter):
            retryAfter
        default:
            nil
        }
    }

    /// The CA's problem document, when the failure came with one.
    public var problem: ACMEProblem? {
        switch code {
        case .server(_, _, let problem, _): problem
        case .validationFailed(_, _, let problem), .orderFailed(let problem): problem
        default: nil
        }
    }

    /// The identifier (host) the failure is about, when it is about one.
    public var identifier: String? {
        switch code {
        case .noMatchingChallenge(let identifier, _, _, _), .solverFailed(let identifier, _, _),
             .validationFailed(let identifier, _, _), .authorizationUnusable(let identifier, _):
            identifier
        case .server(_, _, let problem, _):
            problem.identifier?.value ?? problem.subproblems.first?.identifier?.value
        default:
            nil
        }
    }

    /// One or two sentences: what failed, for which identifier or URL, the CA's detail, and what to do.
    public var description: String {
        switch code {
        case .invalidConfiguration(let setting, let reason):
            return "\(setting) \(reason)"
        case .invalidAccountKey(let source, let reason):
            return "the ACME account key in \(source) cannot be used: \(reason); move the file aside to let Wharf create a new account"
        case .storage(let path, let reason):
            return "cannot use \(path) in the ACME state folder: \(reason); check that the folder exists and that wharf may write to it"
        case .transport(let url, let reason):
            return "cannot reach the ACME server at \(url): \(reason); check the directory URL, the network and, for a private CA, the CA bundle"
        case .unexpectedResponse(let url, let action, let reason):
            return "the ACME server's answer to \(action) (\(url)) cannot be used: \(reason)"
        case .server(let url, let action, let problem, let retryAfter):
            var text = "the ACME server refused \(action) (\(url)): \(problem)"
            if let advice = ProblemAdvice.advice(for: problem) {
                text += ". " + advice
            }
            return text + Self.retryText(retryAfter)
        case .httpStatus(let url, let action, let status, let body, let retryAfter):
            let excerpt = body.isEmpty ? "" : " (\(body))"
            let advice = status == 429 || status >= 500
                ? "the CA is overloaded or down for maintenance: try again later"
                : "check the directory URL"
            return "the ACME server answered HTTP \(status) to \(action) (\(url)) without a problem document\(excerpt); \(advice)"
                + Self.retryText(retryAfter)
        case .noMatchingChallenge(let identifier, let wildcard, let solverType, let offered):
            let hint = wildcard
                ? "a wildcard name can only be validated with dns-01: configure a DNS-01 provider"
                : "configure a solver for one of the offered types"
            return "the CA offers no \(solverType) challenge for \(identifier) (it offers \(offered.joined(separator: ", "))); \(hint)"
        case .solverFailed(let identifier, let challengeType, let reason):
            return "the \(challengeType) solver could not publish the challenge for \(identifier): \(reason)"
        case .validationFailed(let identifier, let challengeType, let problem):
            guard let problem else {
                return "the CA could not validate \(identifier) with \(challengeType) and gave no reason; check that the name points at this server"
            }
            var text = "the CA could not validate \(identifier) with \(challengeType): \(problem)"
            if let advice = ProblemAdvice.advice(for: problem, challengeType: challengeType) {
                text += ". " + advice
            }
            return text
        case .authorizationUnusable(let identifier, let status):
            return "the authorization for \(identifier) is \(status) and cannot be used; order again"
        case .orderFailed(let problem):
            guard let problem else {
                return "the CA marked the order invalid without a reason; order again"
            }
            var text = "the CA marked the order invalid: \(problem)"
            if let advice = ProblemAdvice.advice(for: problem) {
                text += ". " + advice
            }
            return text
        case .timedOut(let stage, let limit, let retryAfter):
            return "\(stage) did not finish within \(limit); the CA may be slow or a challenge stuck: try again later"
                + Self.retryText(retryAfter)
        case .invalidCertificate(let url, let reason):
            return "the certificate downloaded from \(url) cannot be used: \(reason)"
        }
    }

    private static func retryText(_ retryAfter: Duration?) -> String {
        guard let retryAfter else { return "" }
        return " (the CA asks to retry after \(retryAfter.components.seconds) s)"
    }

    // MARK: - Making errors

    static func invalidConfiguration(_ setting: String, reason: String) -> Self {
        Self(.invalidConfiguration(setting: setting, reason: reason))
    }

    static func invalidAccountKey(_ source: String, reason: String) -> Self {
        Self(.invalidAccountKey(source: source, reason: reason))
    }

    static func storage(_ path: String, reason: String) -> Self {
        Self(.storage(path: path, reason: reason))
    }

    static func transport(_ url: String, reason: String) -> Self {
        Self(.transport(url: url, reason: reason))
    }

    static func unexpectedResponse(_ url: String, action: String, reason: String) -> Self {
        Self(.unexpectedResponse(url: url, action: action, reason: reason))
    }

    static func server(_ url: String, action: String, problem: ACMEProblem, retryAfter: Duration?) -> Self {
        Self(.server(url: url, action: action, problem: problem, retryAfter: retryAfter))
    }

    static func httpStatus(_ url: String, action: String, status: Int, body: String, retryAfter: Duration?) -> Self {
        Self(.httpStatus(url: url, action: action, status: status, body: body, retryAfter: retryAfter))
    }

    static func noMatchingChallenge(_ identifier: String, wildcard: Bool, solverType: String, offered: [String]) -> Self {
        Self(.noMatchingChallenge(identifier: identifier, wildcard: wildcard, solverType: solverType, offered: offered))
    }

    static func solverFailed(_ identifier: String, challengeType: String, reason: String) -> Self {
        Self(.solverFailed(identifier: identifier, challengeType: challengeType, reason: reason))
    }

    static func validationFailed(_ identifier: String, challengeType: String, problem: ACMEProblem?) -> Self {
        Self(.validationFailed(identifier: identifier, challengeType: challengeType, problem: problem))
    }

    static func authorizationUnusable(_ identifier: String, status: String) -> Self {
        Self(.authorizationUnusable(identifier: identifier, status: status))
    }

    static func orderFailed(_ problem: ACMEProblem?) -> Self {
        Self(.orderFailed(problem: problem))
    }

    static func timedOut(_ stage: String, limit: Duration, retryAfter: Duration? = nil) -> Self {
        Self(.timedOut(stage: stage, limit: limit, retryAfter: retryAfter))
    }

    static func invalidCertificate(_ url: String, reason: String) -> Self {
        Self(.invalidCertificate(url: url, reason: reason))
    }
}

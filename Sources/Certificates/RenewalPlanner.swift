import ACME
import Foundation
import Logging

/// Plans a certificate's renewal: asks the CA's renewalInfo endpoint (RFC 9773) about it, logs
/// what the CA said, and applies the ``RenewalPolicy``. Every failure becomes
/// ``RenewalInfoOutcome/failed(retryAfter:)``, so the plan falls back to the lifetime rule
/// instead of stopping.
public struct RenewalPlanner: Sendable {
    let client: ACMEClient
    let policy: RenewalPolicy
    let logger: Logger

    /// - Parameters:
    ///   - client: the ACME client of the CA that issued the certificates.
    ///   - policy: the renewal rules.
    ///   - logger: where the CA's window, and failures to get it, are logged.
    public init(client: ACMEClient, policy: RenewalPolicy = .init(), logger: Logger) {
        self.client = client
        self.policy = policy
        self.logger = logger
    }

    /// The plan for `pair`, and its ARI identifier when the CA answered for it (the value for
    /// the renewal order's `replaces`).
    /// - Parameter previous: the plan made for the same certificate before, kept unless the CA moved the window.
    public func plan(for pair: CertificatePair, previous: RenewalPlan? = nil) async -> (plan: RenewalPlan, replaces: ARICertificateID?) {
        let (outcome, id) = await ask(about: pair)
        let plan = policy.plan(outcome, previous: previous, notBefore: pair.notBefore, notAfter: pair.notAfter, now: Date(), random: Double.random(in: 0..<1))
        return (plan, id)
    }

    /// The outcome for `pair`, and its ARI identifier when the CA answered for it (the value
    /// for the renewal order's `replaces`).
    func ask(about pair: CertificatePair) async -> (outcome: RenewalInfoOutcome, id: ARICertificateID?) {
        let id: ARICertificateID
        do {
            id = try ARICertificateID(certificate: pair.leaf)
        } catch {
            logger.warning("the certificate has no ARI identifier; renewing on the lifetime rule", metadata: ["serial": "\(pair.serialNumberHex)", "error": "\(error)"])
            return (.notOffered, nil)
        }
        let answer: RenewalInfoAnswer?
        do {
            answer = try await client.renewalInfo(for: id)
        } catch is CancellationError {
            return (.failed(retryAfter: nil), nil)
        } catch {
            logger.warning(
                "asking the CA for renewal information failed; renewing on the lifetime rule until it answers",
                metadata: ["certificate": "\(id)", "error": "\(error)"]
            )
            return (.failed(retryAfter: (error as? ACMEError)?.retryAfter), nil)
        }
        guard let answer else { return (.notOffered, nil) }
        let window = answer.info.suggestedWindow
        var metadata: Logger.Metadata = [
            "certificate": "\(id)",
            "start": "\(window.start.formatted(.iso8601))",
            "end": "\(window.end.formatted(.iso8601))",
        ]
        if let explanation = answer.info.explanationURL { metadata["explanation"] = "\(explanation)" }
        if let retryAfter = answer.retryAfter { metadata["retryAfter"] = "\(retryAfter)" }
        if policy.isUsable(window, notAfter: pair.notAfter) {
            logger.info("the CA suggests a renewal window", metadata: metadata)
        } else {
            logger.error("the CA's renewal window is invalid (its end is not after its start, or it starts after expiry); renewing on the lifetime rule", metadata: metadata)
        }
        return (.answered(window, retryAfter: answer.retryAfter), id)
    }
}

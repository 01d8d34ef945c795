import Synchronization

/// Whom ``AuthenticationMiddleware`` admitted a request as, for the request log and metrics that
/// ``RequestAccountingMiddleware`` writes outside it (a context is copied inward, not back out).
final class AdmittedClient: Sendable {
    /// How a request was admitted; the `method` label of `wharf_auth_admitted_total`.
    enum Method: String, Sendable, CaseIterable {
        case password
        case certificate
        case network
    }

    private let admitted = Mutex<(name: String, method: Method)?>(nil)

    init() {}

    /// The htpasswd user, the certificate's subject name, or the trusted network; nil before (or without) admission.
    var name: String? { admitted.withLock { $0?.name } }

    /// How the request was admitted.
    var method: Method? { admitted.withLock { $0?.method } }

    func record(_ name: String, method: Method) {
        admitted.withLock { $0 = (name, method) }
    }
}

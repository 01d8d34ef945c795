/// A request from `wharf cert renew` to the running server, left in the state
/// (``CertificateStateStore/requestRenewal(_:)``), which the server looks at, so no admin port is needed.
public enum RenewalRequest: String, Sendable {
    /// Renew only if the certificate is inside its renewal window (or temporary).
    case ifDue = "due"
    /// Renew now, whatever the dates say.
    case force
}

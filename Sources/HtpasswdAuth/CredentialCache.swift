/// Verified credentials (keyed by the header), remembered for a while so that a client's every
/// request does not cost a bcrypt; the value is the user.
typealias CredentialCache = ExpiringTable<CredentialKey, String>

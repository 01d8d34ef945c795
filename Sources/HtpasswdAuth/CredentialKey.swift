import Crypto

/// What the credential cache and the single-flight table are keyed by: HMAC-SHA256 of
/// `user:password` under a key made at start, so neither the password nor a fast hash of it is kept.
struct CredentialKey: Hashable, Sendable {
    private let bytes: [UInt8]

    init(user: String, password: [UInt8], key: SymmetricKey) {
        // The user cannot contain a colon, so `user:password` is unambiguous.
        var authenticator = HMAC<SHA256>(key: key)
        authenticator.update(data: Array(user.utf8))
        authenticator.update(data: [UInt8(ascii: ":")])
        authenticator.update(data: password)
        bytes = Array(authenticator.finalize())
    }
}

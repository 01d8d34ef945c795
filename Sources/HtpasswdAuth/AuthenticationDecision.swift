/// What ``HtpasswdAuthenticator/authenticate(authorization:clientAddress:)`` decided for a request.
public enum AuthenticationDecision: Equatable, Sendable {
    /// The credentials are right; `user` is the htpasswd user.
    case allowed(user: String)
    /// No, wrong or unusable credentials: answer 401 `UNAUTHORIZED` with
    /// ``HtpasswdAuthenticator/challenge`` in `WWW-Authenticate`.
    case denied
    /// Too many failed attempts for this user from this address, for this user from anywhere, or
    /// for too many users from this address (the last two do not refuse a client that signed in
    /// as this user from this address recently): answer 429 `TOOMANYREQUESTS` with
    /// `Retry-After: retryAfter` (seconds, at least 1). The password was not checked.
    case rateLimited(retryAfter: Int)
}

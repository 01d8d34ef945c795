/// Why ``PasswordHash/bcrypt(password:cost:)`` could not make a hash; never contains the password.
public struct PasswordHashError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case costOutOfRange(Int, allowed: ClosedRange<Int>)
        case invalidPassword(String)
        case libcryptFailed(String)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// One sentence saying what is wrong.
    public var description: String {
        switch code {
        case .costOutOfRange(let cost, let allowed):
            "bcrypt cost \(cost) is out of range (\(allowed.lowerBound)...\(allowed.upperBound))"
        case .invalidPassword(let reason):
            "the password cannot be hashed with bcrypt: \(reason)"
        case .libcryptFailed(let reason):
            "libcrypt failed: \(reason)"
        }
    }

    /// Whether the password itself was refused (as opposed to the cost or libcrypt).
    public var isInvalidPassword: Bool {
        if case .invalidPassword = code { return true }
        return false
    }

    static func costOutOfRange(_ cost: Int, allowed: ClosedRange<Int>) -> Self {
        Self(.costOutOfRange(cost, allowed: allowed))
    }

    static func invalidPassword(_ reason: String) -> Self {
        Self(.invalidPassword(reason))
    }

    static func libcryptFailed(_ reason: String) -> Self {
        Self(.libcryptFailed(reason))
    }
}

import CCrypt

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Verifying and making password hashes with libcrypt (libxcrypt), the way Apache's htpasswd does.
///
/// Every call uses `crypt_rn` with its own zeroed `struct crypt_data`, so calls on different
/// threads never share state. Verifying bcrypt costs what the hash's cost says (cost 12 is about
/// a quarter of a second); call these off the event loops.
///
/// ```swift
/// let hash = try PasswordHash.bcrypt(password: "s3cret", cost: 12)   // "$2y$12$..."
/// PasswordHash.verify(password: "s3cret", against: hash)              // true
/// ```
public enum PasswordHash {
    /// bcrypt reads only this many bytes of a password.
    public static let bcryptMaximumPasswordBytes = 72
    /// The costs Apache's htpasswd accepts for bcrypt.
    public static let bcryptCosts = 4...17

    /// Whether `password` matches `hash`, a bcrypt (`$2y$`, `$2b$`, `$2a$`) or SHA-crypt (`$5$`, `$6$`) hash.
    ///
    /// Any other format (MD5 apr1, SHA-1, DES crypt, plain text) gives false. The computed and the
    /// stored hash are compared in constant time.
    public static func verify(password: String, against hash: String) -> Bool {
        verify(password: Array(password.utf8), against: hash)
    }

    /// ``verify(password:against:)`` for a password given as bytes (as it arrives in a Basic header).
    static func verify(password: [UInt8], against hash: String) -> Bool {
        guard HashFormat(hash).isAccepted, let computed = crypt(password, setting: hash) else { return false }
        return constantTimeEquals(computed, Array(hash.utf8))
    }

    /// A new bcrypt hash of `password` with a random salt and the `$2y$` prefix (as `htpasswd -B` writes).
    ///
    /// - Parameters:
    ///   - password: at most 72 bytes of UTF-8 without NUL (bcrypt ignores anything longer,
    ///     so a longer password is refused rather than silently cut).
    ///   - cost: the base-2 logarithm of the work, 4...17; 12 takes about a quarter of a second.
    /// - Throws: ``PasswordHashError`` for a cost out of range, an unusable password, or a libcrypt failure.
    public static func bcrypt(password: String, cost: Int = 12) throws(PasswordHashError) -> String {
        guard bcryptCosts.contains(cost) else {
            throw .costOutOfRange(cost, allowed: bcryptCosts)
        }
        let bytes = Array(password.utf8)
        guard !bytes.contains(0) else { throw .invalidPassword("it contains a NUL character") }
        guard bytes.count <= bcryptMaximumPasswordBytes else {
            throw .invalidPassword(
                "bcrypt uses only the first \(bcryptMaximumPasswordBytes) bytes and this one has \(bytes.count)"
            )
        }
        guard let setting = bcryptSetting(cost: cost) else {
            throw .libcryptFailed("crypt_gensalt_rn refused $2y$ with cost \(cost)")
        }
        guard let hash = crypt(bytes, setting: setting).flatMap({ String(validating: $0, as: UTF8.self) }),
            HashFormat(hash) == .bcrypt(cost: cost)
        else {
            throw .libcryptFailed("crypt_rn did not produce a bcrypt hash")
        }
        return hash
    }

    /// A `$2y$` setting (prefix, cost and a random 22-character salt) from `crypt_gensalt_rn`.
    static func bcryptSetting(cost: Int) -> String? {
        var output = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let made = output.withUnsafeMutableBufferPointer { buffer in
            // A null rbytes makes libcrypt take the salt from the operating system's random source.
            crypt_gensalt_rn("$2y$", UInt(cost), nil, 0, buffer.baseAddress, Int32(buffer.count))
        }
        guard made != nil else { return nil }
        return output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// `crypt_rn(password, setting)` with a fresh, zeroed `struct crypt_data`, or nil when libcrypt refuses.
    ///
    /// The work area (which holds a copy of the password) is zeroed again before it is freed.
    static func crypt(_ password: [UInt8], setting: String) -> [UInt8]? {
        guard !password.contains(0), password.count < Int(CRYPT_MAX_PASSPHRASE_SIZE) else { return nil }
        let size = MemoryLayout<crypt_data>.size
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
        data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        defer {
            memset(data, 0, size)
            data.deallocate()
        }
        var phrase = password.map { CChar(bitPattern: $0) }
        phrase.append(0)
        defer {
            phrase.withUnsafeMutableBytes { bytes in
                if let base = bytes.baseAddress { memset(base, 0, bytes.count) }
            }
        }
        return phrase.withUnsafeBufferPointer { phrasePointer in
            setting.withCString { settingPointer in
                guard let output = crypt_rn(phrasePointer.baseAddress, settingPointer, data, Int32(size)) else {
                    return nil
                }
                return Array(UnsafeRawBufferPointer(start: output, count: strlen(output)))
            }
        }
    }

    /// Compares every byte whatever the first difference, so the time taken does not tell where it is.
    static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference: UInt8 = left.count == right.count ? 0 : 1
        let length = max(left.count, right.count)
        for index in 0..<length {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }
}

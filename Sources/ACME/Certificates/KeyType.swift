/// The kind of private key a certificate is issued for (the `keytype` setting).
public enum KeyType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ECDSA on P-256 (the default: small, fast, accepted everywhere).
    case ecdsaP256 = "ecdsa-p256"
    /// ECDSA on P-384.
    case ecdsaP384 = "ecdsa-p384"
    /// RSA with a 2048-bit modulus, for clients that cannot do ECDSA.
    case rsa2048 = "rsa-2048"
    /// RSA with a 4096-bit modulus.
    case rsa4096 = "rsa-4096"

    /// The type named by a configuration value (`ecdsa-p256`, `rsa-2048`, ...; case-insensitive).
    ///
    /// - Throws: ``ACMEError`` of kind ``ACMEError/Kind/invalidConfiguration`` listing the accepted values.
    public init(configurationValue value: String) throws(ACMEError) {
        guard let type = KeyType(rawValue: value.lowercased()) else {
            let accepted = KeyType.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidConfiguration("keytype \(String(reflecting: value))", reason: "is not a key type; use one of \(accepted)")
        }
        self = type
    }

    /// The configuration value, e.g. `ecdsa-p256`.
    public var description: String { rawValue }
}

import ACME
import Crypto
import DNS
import Foundation

/// What DNS-01 publishes (RFC 8555 §8.4).
public enum DNS01Challenge {
    /// The TXT value for a key authorization: base64url(SHA-256(keyAuthorization)) without padding.
    public static func txtValue(for keyAuthorization: String) -> String {
        Data(SHA256.hash(data: Array(keyAuthorization.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The proof's record name, `_acme-challenge.<domain>.`, as a ``DNSName``.
    static func recordName(of challenge: ChallengeProof) throws -> DNSName {
        try DNSName(challenge.dnsRecordName)
    }
}

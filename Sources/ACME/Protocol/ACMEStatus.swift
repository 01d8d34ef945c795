/// The status of an ACME order, authorization or challenge (RFC 8555 §7.1.6).
///
/// Unknown values decode as ``unknown`` rather than failing, so a CA that adds a state
/// does not break parsing; the order flow treats it as "not yet decided".
enum ACMEStatus: String, Decodable, Sendable, Hashable {
    case pending, ready, processing, valid, invalid, deactivated, expired, revoked
    case unknown

    init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = ACMEStatus(rawValue: text) ?? .unknown
    }
}

/// Why a DNS exchange, a DNS-01 provider or its configuration failed.
///
/// The ``description`` says what went wrong and, where Wharf can tell, what to change
/// (a TSIG secret, an `allow-update` clause, a setting). It never contains a TSIG secret or a
/// webhook password. Branch on ``kind``:
///
/// ```swift
/// do {
///     try await solver.present(proof)
/// } catch let error as DNSError where error.kind == .tsig {
///     ...
/// }
/// ```
public struct DNSError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable {
        case malformedMessage(reason: String, offset: Int)
        case invalidName(text: String, reason: String)
        case unencodable(reason: String)
        case invalidSetting(key: String, reason: String)
        case keyFile(path: String, reason: String)
        case timedOut(server: String, what: String, after: Duration)
        case unreachable(server: String, reason: String)
        case badAnswer(server: String, reason: String)
        case rejected(server: String, code: DNSResponseCode, request: String, hint: String)
        case tsig(server: String, code: DNSResponseCode?, request: String, hint: String)
        case noZone(name: String, server: String, detail: String)
        case outsideZone(name: String, zone: String)
        case notPropagated(name: String, after: Duration, pending: [String])
        case hookFailed(hook: String, reason: String)
        case hookTimedOut(hook: String, after: Duration)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The class of failure, stable across releases (new kinds may be added).
    public var kind: Kind {
        switch code {
        case .malformedMessage: .malformedMessage
        case .invalidName: .invalidName
        case .unencodable: .unencodable
        case .invalidSetting, .keyFile: .invalidConfiguration
        case .timedOut: .timeout
        case .unreachable, .badAnswer: .network
        case .rejected: .rejected
        case .tsig: .tsig
        case .noZone, .outsideZone: .zoneNotFound
        case .notPropagated: .propagationTimeout
        case .hookFailed, .hookTimedOut: .hookFailed
        }
    }

    /// The RCODE (or TSIG error) the server answered with, for ``Kind/rejected`` and ``Kind/tsig``.
    public var responseCode: DNSResponseCode? {
        switch code {
        case .rejected(_, let code, _, _): code
        case .tsig(_, let code, _, _): code
        default: nil
        }
    }

    /// What went wrong and what to change, in one or two sentences.
    public var description: String {
        switch code {
        case .malformedMessage(let reason, let offset):
            "malformed DNS message at byte \(offset): \(reason)"
        case .invalidName(let text, let reason):
            "\(String(reflecting: text)) is not a valid DNS name: \(reason)"
        case .unencodable(let reason):
            "cannot encode the DNS message: \(reason)"
        case .invalidSetting(let key, let reason):
            "invalid DNS-01 setting `\(key)`: \(reason)"
        case .keyFile(let path, let reason):
            "cannot use the TSIG key file \(path): \(reason)"
        case .timedOut(let server, let what, let after):
            "\(server) did not answer \(what) within \(after): check that it listens there and that no firewall drops the packets"
        case .unreachable(let server, let reason):
            "cannot reach the DNS server \(server): \(reason)"
        case .badAnswer(let server, let reason):
            "the DNS server \(server) sent an unusable answer: \(reason)"
        case .rejected(let server, let code, let request, let hint):
            "\(server) answered \(code) to \(request)" + (hint.isEmpty ? "" : ": \(hint)")
        case .tsig(let server, let code, let request, let hint):
            "\(server) \(code.map { "answered \($0) to" } ?? "sent an answer that fails TSIG verification for") \(request): \(hint)"
        case .noZone(let name, let server, let detail):
            "no zone served by \(server) contains \(name) (\(detail)): check the name, "
                + "or set `zone` to the zone that should hold it"
        case .outsideZone(let name, let zone):
            "\(name) is not inside the zone \(zone): fix `zone` or leave it unset so that the zone is found with SOA queries"
        case .notPropagated(let name, let after, let pending):
            "the TXT record \(name) was not visible on every server after \(after) (`propagationtimeout`): "
                + pending.joined(separator: "; ")
        case .hookFailed(let hook, let reason):
            "\(hook) failed: \(reason)"
        case .hookTimedOut(let hook, let after):
            "\(hook) did not finish within \(after) and was killed: make it faster or raise `timeout`"
        }
    }

    static func malformed(_ reason: String, at offset: Int) -> Self {
        Self(.malformedMessage(reason: reason, offset: offset))
    }

    static func invalidName(_ text: String, _ reason: String) -> Self {
        Self(.invalidName(text: text, reason: reason))
    }

    static func unencodable(_ reason: String) -> Self {
        Self(.unencodable(reason: reason))
    }

    package static func invalidSetting(_ key: String, _ reason: String) -> Self {
        Self(.invalidSetting(key: key, reason: reason))
    }

    static func keyFile(_ path: String, _ reason: String) -> Self {
        Self(.keyFile(path: path, reason: reason))
    }

    static func timedOut(_ server: String, what: String, after: Duration) -> Self {
        Self(.timedOut(server: server, what: what, after: after))
    }

    static func unreachable(_ server: String, _ reason: String) -> Self {
        Self(.unreachable(server: server, reason: reason))
    }

    static func badAnswer(_ server: String, _ reason: String) -> Self {
        Self(.badAnswer(server: server, reason: reason))
    }

    static func rejected(_ server: String, code: DNSResponseCode, request: String, hint: String) -> Self {
        Self(.rejected(server: server, code: code, request: request, hint: hint))
    }

    static func tsig(_ server: String, code: DNSResponseCode?, request: String, hint: String) -> Self {
        Self(.tsig(server: server, code: code, request: request, hint: hint))
    }

    static func noZone(_ name: String, server: String, detail: String) -> Self {
        Self(.noZone(name: name, server: server, detail: detail))
    }

    package static func outsideZone(_ name: String, zone: String) -> Self {
        Self(.outsideZone(name: name, zone: zone))
    }

    static func notPropagated(_ name: String, after: Duration, pending: [String]) -> Self {
        Self(.notPropagated(name: name, after: after, pending: pending))
    }

    package static func hookFailed(_ hook: String, _ reason: String) -> Self {
        Self(.hookFailed(hook: hook, reason: reason))
    }

    package static func hookTimedOut(_ hook: String, after: Duration) -> Self {
        Self(.hookTimedOut(hook: hook, after: after))
    }
}

import DNS

/// What a webhook or exec hook is told (lego's `HTTPREQ_MODE` / `EXEC_MODE`).
public enum DNSHookMode: String, Sendable, Hashable, CaseIterable {
    /// The record to publish: the FQDN `_acme-challenge.<domain>.` and the TXT value.
    case `default`
    /// The challenge itself: the domain, the token and the key authorization; the hook
    /// computes the record.
    case raw

    /// Parses `default` (or an empty string) and `raw`, case-insensitively.
    ///
    /// - Throws: ``DNSError`` (``DNSError/Kind/invalidConfiguration``) naming `setting`.
    public init(parsing text: String, setting: String = "mode") throws {
        switch text.lowercased() {
        case "", "default": self = .default
        case "raw": self = .raw
        default:
            throw DNSError.invalidSetting(setting, "\(String(reflecting: text)) is not a mode; use `default` or `raw`")
        }
    }
}

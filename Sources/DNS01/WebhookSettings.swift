import DNS

/// The `webhook` DNS-01 provider's settings (lego's `httpreq` protocol).
///
/// Wharf sends `POST <url>/present` and `POST <url>/cleanup`. ``description`` never shows the password.
public struct WebhookSettings: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// The endpoint's base URL (`url`), http or https.
    public var url: String
    /// The Basic auth user (`username`); set together with ``password``.
    public var username: String?
    /// The Basic auth password (`password`).
    public var password: String?
    /// What the JSON body carries (`mode`).
    public var mode: DNSHookMode

    /// Creates settings; only `url` is required.
    public init(url: String, username: String? = nil, password: String? = nil, mode: DNSHookMode = .default) {
        self.url = url
        self.username = username
        self.password = password
        self.mode = mode
    }

    /// The settings with the password shown as `<redacted>`.
    public var description: String {
        var parts = ["url: \(url)", "mode: \(mode.rawValue)"]
        if let username { parts.append("username: \(username)") }
        if password != nil { parts.append("password: <redacted>") }
        return "webhook(\(parts.joined(separator: ", ")))"
    }

    /// A mirror without the password, so that `dump` shows none either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "url": url, "username": username as Any, "password": password == nil ? "nil" : "<redacted>", "mode": mode,
            ],
            displayStyle: .struct
        )
    }
}

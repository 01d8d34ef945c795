import Foundation

/// Checks a URL before it is handed to the HTTP client.
///
/// AsyncHTTPClient turns the port into a 16-bit socket port with a trapping conversion, so a URL
/// such as `http://127.0.0.1:99999/` — from a configuration file, an upstream's redirect or
/// token realm, or an ACME CA's directory — would end the process. Every URL Wharf dials
/// passes through ``problem(_:)`` first and is refused with a message instead.
public enum OutboundURL {
    /// Why `url` cannot be dialed, or `nil` when it can: it must be absolute http(s) with a
    /// host, and any port must be 1…65535. The reason never repeats the URL, which may carry
    /// credentials; callers name what the URL was for.
    public static func problem(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return "not a URL"
        }
        guard scheme == "http" || scheme == "https" else { return "not an http:// or https:// URL" }
        guard let host = components.host, !host.isEmpty else { return "no host" }
        if let port = components.port, !(1...65535).contains(port) {
            return "port \(port) is outside 1-65535"
        }
        return nil
    }
}

import Foundation

/// What an ``ARIFrontServer`` answers for one certificate: a RenewalInfo object (RFC 9773 §4.2)
/// and its `Retry-After`.
public struct SuggestedWindow: Sendable {
    /// The window's start.
    public var start: Date
    /// The window's end.
    public var end: Date
    /// The `Retry-After` header in seconds (none when nil).
    public var retryAfter: Int?
    /// `explanationURL`, when set.
    public var explanationURL: String?

    /// A window from `start` to `end` (an invalid one, end before start, is allowed on purpose).
    public init(start: Date, end: Date, retryAfter: Int? = 21600, explanationURL: String? = nil) {
        self.start = start
        self.end = end
        self.retryAfter = retryAfter
        self.explanationURL = explanationURL
    }

    /// A window wholly in the past: renew now, as a CA does before revoking (RFC 9773 §4.2).
    public static func renewNow(retryAfter: Int? = 21600) -> SuggestedWindow {
        let now = Date()
        return SuggestedWindow(start: now.addingTimeInterval(-7200), end: now.addingTimeInterval(-3600), retryAfter: retryAfter, explanationURL: "https://ca.example.test/incident")
    }

    /// A window `days` from now, one day long: nothing to do for a while.
    public static func later(days: Double = 30, retryAfter: Int? = 21600) -> SuggestedWindow {
        let start = Date().addingTimeInterval(days * 86400)
        return SuggestedWindow(start: start, end: start.addingTimeInterval(86400), retryAfter: retryAfter)
    }

    /// The JSON body.
    var json: [UInt8] {
        var object: [String: Any] = [
            "suggestedWindow": ["start": start.formatted(.iso8601), "end": end.formatted(.iso8601)],
        ]
        if let explanationURL { object["explanationURL"] = explanationURL }
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}

import Foundation

/// A RenewalInfo object (RFC 9773 §4.2): the window in which the CA suggests renewing a
/// certificate, and optionally a page explaining why (an incident, a revocation to come).
///
/// The window is kept as the CA sent it, even one whose end does not follow its start: the
/// renewal policy judges it and falls back to the lifetime rule for an invalid one.
public struct RenewalInfo: Sendable, Hashable, Decodable {
    /// The suggested renewal window.
    public struct Window: Sendable, Hashable, Decodable {
        /// The earliest suggested moment.
        public let start: Date
        /// The latest suggested moment.
        public let end: Date

        /// A window from `start` to `end`, as the CA sent it (valid or not).
        public init(start: Date, end: Date) {
            self.start = start
            self.end = end
        }

        /// Whether the window is usable: RFC 9773 makes an end at or before the start invalid.
        public var isValid: Bool { end > start }

        private enum CodingKeys: String, CodingKey {
            case start, end
        }

        /// Decodes `start` and `end` as RFC 3339 timestamps; anything else is a decoding error.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            start = try Self.date(container, .start)
            end = try Self.date(container, .end)
        }

        private static func date(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
            let text = try container.decode(String.self, forKey: key)
            guard let date = RFC3339.date(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(String(reflecting: text)) is not an RFC 3339 timestamp")
            }
            return date
        }
    }

    /// `suggestedWindow`.
    public let suggestedWindow: Window
    /// `explanationURL`: a page for people, when the CA gives one.
    public let explanationURL: String?

    /// A RenewalInfo object, e.g. for a test.
    public init(suggestedWindow: Window, explanationURL: String? = nil) {
        self.suggestedWindow = suggestedWindow
        self.explanationURL = explanationURL
    }
}

/// RFC 3339 timestamps as ACME servers write them: `2025-01-02T04:00:00Z`, with or without
/// fractional seconds, `Z` or a numeric offset.
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for style in [Date.ISO8601FormatStyle(includingFractionalSeconds: false), Date.ISO8601FormatStyle(includingFractionalSeconds: true)] {
            if let date = try? style.parse(trimmed) { return date }
        }
        return nil
    }
}

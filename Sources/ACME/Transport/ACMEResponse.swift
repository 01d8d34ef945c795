import Foundation
import NIOHTTP1

/// One HTTP answer from the ACME server, body collected.
struct ACMEResponse: Sendable {
    let url: String
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    /// The `Location` header: the URL of the account or order just created.
    var location: String? { headers.first(name: "Location") }

    /// The delay the server asked for with `Retry-After`.
    var retryAfter: Duration? {
        headers.first(name: "Retry-After").flatMap { RetryAfter.parse($0) }
    }

    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The first few hundred characters of the body on one line, for error messages.
    var excerpt: String {
        let flattened = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flattened.count > 300 ? String(flattened.prefix(300)) + "…" : flattened
    }

    /// Decodes the JSON body as `type`, or says which request gave unusable JSON.
    func decode<T: Decodable>(_ type: T.Type, action: String) throws(ACMEError) -> T {
        do {
            return try ACMEJSON.decode(type, from: body)
        } catch {
            throw .unexpectedResponse(url, action: action, reason: "the JSON does not describe \(T.self): \(error); body: \(excerpt)")
        }
    }
}

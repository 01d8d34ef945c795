import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Plain HTTP requests to Wharf, for the answers skopeo never shows.
struct HTTPProbe {
    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let bytes: [UInt8]
        var body: String { String(decoding: bytes, as: UTF8.self) }

        /// The `code` of the first OCI error in the body.
        var errorCode: String? {
            struct Errors: Decodable {
                struct Entry: Decodable { let code: String }
                let errors: [Entry]
            }
            return (try? JSONDecoder().decode(Errors.self, from: Data(body.utf8)))?.errors.first?.code
        }
    }

    static func send(
        _ method: HTTPMethod,
        _ url: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 128 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, bytes: Array(collected.readableBytesView))
    }
}

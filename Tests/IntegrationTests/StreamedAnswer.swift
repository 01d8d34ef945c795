import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A GET whose body is read until it ends or the connection fails, keeping what arrived:
/// for telling a response cut short apart from a complete one or an error status.
struct StreamedAnswer {
    let status: Int
    /// The `Content-Length` the server announced.
    let announcedLength: Int?
    let bytes: [UInt8]
    /// Why the body stopped before its end, or nil when it ended normally.
    let failure: (any Error)?

    /// Whether the connection closed before the announced length arrived (the client's parser
    /// saw the end of the stream inside the body).
    var endedShort: Bool {
        guard let announcedLength, case .invalidEOFState? = failure as? HTTPParserError else { return false }
        return bytes.count < announcedLength
    }

    /// - Throws: only when no response head arrived.
    static func get(_ url: String) async throws -> StreamedAnswer {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        var bytes: [UInt8] = []
        var failure: (any Error)?
        do {
            for try await chunk in response.body { bytes += chunk.readableBytesView }
        } catch {
            failure = error
        }
        return StreamedAnswer(
            status: Int(response.status.code),
            announcedLength: response.headers.first(name: "Content-Length").flatMap { Int($0) },
            bytes: bytes,
            failure: failure
        )
    }
}

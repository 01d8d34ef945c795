import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Testing
import WharfTesting

@testable import HtpasswdAuth

/// A request context that needs no channel.
private struct TestContext: RequestContext {
    struct Source: RequestContextSource {
        var logger: Logger
    }

    var coreContext: CoreRequestContextStorage

    init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// Collects a response body into a string.
private struct CollectingWriter: ResponseBodyWriter {
    let text: BodyText

    mutating func write(_ buffer: ByteBuffer) async throws {
        text.sink.withLock { _ = $0.writeImmutableBuffer(buffer) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

private final class BodyText: Sendable {
    let sink = Mutex(ByteBuffer())

    static func of(_ response: Response) async throws -> String {
        let text = BodyText()
        try await response.body.write(CollectingWriter(text: text))
        return text.sink.withLock { String(buffer: $0) }
    }
}

@Suite("The Hummingbird middleware")
struct MiddlewareTests {
    private func request(_ method: HTTPRequest.Method = .get, authorization: String?) -> Request {
        var fields = HTTPFields()
        if let authorization { fields[.authorization] = authorization }
        let head = HTTPRequest(method: method, scheme: "https", authority: "wharf.test", path: "/v2/", headerFields: fields)
        return Request(head: head, body: RequestBody(buffer: ByteBuffer()))
    }

    @Test("401 with the challenge and an OCI body, 429 with Retry-After, and the user passed on when allowed")
    func answers() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "pw", cost: 4)
        let log = LogRecorder()
        let auth = try await HtpasswdAuthenticator(
            path: fixture.path, realm: "Wharf registry", settings: .init(failureLimit: 1), logger: log.logger
        )
        let middleware = HtpasswdMiddleware<TestContext>(authenticator: auth) { _, _ in "192.0.2.10" }
        let context = TestContext(source: .init(logger: log.logger))
        let next: (Request, TestContext) async throws -> Response = { _, context in
            Response(status: .ok, headers: [.init("X-User")!: context.logger[metadataKey: "user"]?.description ?? "-"])
        }

        let challenged = try await middleware.handle(request(authorization: nil), context: context, next: next)
        #expect(challenged.status == .unauthorized)
        #expect(challenged.headers[.wwwAuthenticate] == #"Basic realm="Wharf registry""#)
        #expect(challenged.headers[.contentType] == "application/json; charset=utf-8")
        #expect(try await BodyText.of(challenged).contains(#""code":"UNAUTHORIZED""#))

        let allowed = try await middleware.handle(request(authorization: basic("alice", "pw")), context: context, next: next)
        #expect(allowed.status == .ok)
        #expect(allowed.headers[.init("X-User")!] == "alice")

        let wrong = try await middleware.handle(request(.head, authorization: basic("alice", "no")), context: context, next: next)
        #expect(wrong.status == .unauthorized)
        let limited = try await middleware.handle(request(authorization: basic("alice", "pw")), context: context, next: next)
        #expect(limited.status == .tooManyRequests)
        #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
        #expect(try await BodyText.of(limited).contains(#""code":"TOOMANYREQUESTS""#))
        #expect(try await BodyText.of(wrong).isEmpty, "HEAD gets no body")
    }
}

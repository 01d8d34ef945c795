import Foundation
import Synchronization
import WharfTesting

/// A scripted ACME server over plain HTTP: the directory, nonces and an account always work;
/// `answer` decides everything else. It records each request with the time it arrived.
final class StubCA: Sendable {
    typealias Answer = @Sendable (_ method: String, _ path: String, _ base: String) -> StubHTTPServer.Response?

    private let state = Mutex<(nonce: Int, requests: [(method: String, path: String, at: ContinuousClock.Instant)])>((0, []))

    /// `http://127.0.0.1:<port>/dir`.
    let directoryURL: String
    let stub: StubHTTPServer

    private init(stub: StubHTTPServer) {
        self.stub = stub
        self.directoryURL = "\(stub.url)/dir"
    }

    static func start(_ answer: @escaping Answer) async throws -> StubCA {
        let box = Box()
        let stub = try await StubHTTPServer.start { request in
            guard let ca = box.ca.withLock({ $0 }) else { return .init(status: 503) }
            return ca.respond(request, answer: answer)
        }
        let ca = StubCA(stub: stub)
        box.ca.withLock { $0 = ca }
        return ca
    }

    /// The requests so far as `METHOD /path`, with their arrival times.
    var requests: [(method: String, path: String, at: ContinuousClock.Instant)] {
        state.withLock { $0.requests }
    }

    func count(_ method: String, _ path: String) -> Int {
        requests.filter { $0.method == method && $0.path == path }.count
    }

    func stop() async {
        await stub.stop()
    }

    /// A problem document response.
    static func problem(_ status: Int, type: String, detail: String, headers: [(String, String)] = []) -> StubHTTPServer.Response {
        .init(
            status: status,
            headers: [("Content-Type", "application/problem+json")] + headers,
            body: #"{"type":"urn:ietf:params:acme:error:\#(type)","detail":"\#(detail)","status":\#(status)}"#
        )
    }

    private func respond(_ request: StubHTTPServer.Request, answer: Answer) -> StubHTTPServer.Response {
        let path = String(request.uri.split(separator: "?").first ?? "")
        let nonce = state.withLock { state in
            state.nonce += 1
            state.requests.append((request.method, path, ContinuousClock.now))
            return "nonce-\(state.nonce)"
        }
        var response: StubHTTPServer.Response
        if let scripted = answer(request.method, path, stub.url) {
            response = scripted
        } else {
            switch (request.method, path) {
            case ("GET", "/dir"):
                let base = stub.url
                response = .init(status: 200, headers: [("Content-Type", "application/json")], body: #"""
                    {"newNonce":"\#(base)/nonce","newAccount":"\#(base)/account","newOrder":"\#(base)/order","revokeCert":"\#(base)/revoke"}
                    """#)
            case ("HEAD", "/nonce"):
                response = .init(status: 200)
            case ("POST", "/account"):
                response = .init(status: 201, headers: [("Location", "\(stub.url)/account/1"), ("Content-Type", "application/json")], body: #"{"status":"valid"}"#)
            default:
                response = Self.problem(404, type: "malformed", detail: "no such resource \(path)")
            }
        }
        response.headers.append(("Replay-Nonce", nonce))
        return response
    }
}

/// Lets the server's responder reach the ``StubCA`` made after the server started.
private final class Box: Sendable {
    let ca = Mutex<StubCA?>(nil)
}

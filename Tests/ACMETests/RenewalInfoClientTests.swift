import ACME
import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("asking a CA for renewal information", .timeLimit(.minutes(1)))
struct RenewalInfoClientTests {
    let id = ARICertificateID(authorityKeyIdentifier: [0x69, 0x88], serialNumber: [0x00, 0x87, 0x65, 0x43, 0x21])

    func client(_ ca: StubCA, folder: TemporaryFolder) -> ACMEClient {
        ACMEClient(directoryURL: ca.directoryURL, accountStore: CertificateStateFolder(folder: folder.path), logger: LogRecorder().logger)
    }

    /// A CA whose directory offers renewalInfo, answering it with `answer`.
    func ariCA(_ answer: @escaping @Sendable (String) -> StubHTTPServer.Response) async throws -> StubCA {
        try await StubCA.start { method, path, base in
            if method == "GET", path == "/dir" {
                return .init(status: 200, headers: [("Content-Type", "application/json")], body: #"""
                    {"newNonce":"\#(base)/nonce","newAccount":"\#(base)/account","newOrder":"\#(base)/order","renewalInfo":"\#(base)/renewal-info"}
                    """#)
            }
            return path.hasPrefix("/renewal-info/") ? answer(method) : nil
        }
    }

    @Test("an unauthenticated GET of {renewalInfo}/{id}; the window and Retry-After come back")
    func answered() async throws {
        let folder = try TemporaryFolder(prefix: "ari-client")
        defer { folder.remove() }
        let ca = try await ariCA { method in
            method == "GET"
                ? .init(status: 200, headers: [("Retry-After", "3600")], body: #"{"suggestedWindow":{"start":"2025-01-02T04:00:00Z","end":"2025-01-03T04:00:00Z"}}"#)
                : StubCA.problem(405, type: "malformed", detail: "GET only")
        }
        let answer = try #require(try await client(ca, folder: folder).renewalInfo(for: id))
        let asked = ca.requests.map { "\($0.method) \($0.path)" }
        await ca.stop()
        #expect(asked == ["GET /dir", "GET /renewal-info/aYg.AIdlQyE"])
        #expect(answer.retryAfter == .seconds(3600))
        #expect(answer.info.suggestedWindow.start == Date(timeIntervalSince1970: 1_735_790_400))
    }

    @Test("a CA without renewalInfo in its directory: nil, and nothing else asked")
    func notOffered() async throws {
        let folder = try TemporaryFolder(prefix: "ari-client")
        defer { folder.remove() }
        let ca = try await StubCA.start { _, _, _ in nil }
        let answer = try await client(ca, folder: folder).renewalInfo(for: id)
        let asked = ca.requests.count
        await ca.stop()
        #expect(answer == nil)
        #expect(asked == 1)
    }

    @Test("a 404 and malformed JSON are errors that say which request failed")
    func failures() async throws {
        let folder = try TemporaryFolder(prefix: "ari-client")
        defer { folder.remove() }
        let missing = try await ariCA { _ in StubCA.problem(404, type: "malformed", detail: "unknown certificate") }
        let notFound = await #expect(throws: ACMEError.self) { try await client(missing, folder: folder).renewalInfo(for: id) }
        await missing.stop()
        #expect(notFound?.description.contains("renewalInfo") == true)
        let garbled = try await ariCA { _ in .init(status: 200, body: #"{"suggestedWindow":{"start":"soon","end":"later"}}"#) }
        let bad = await #expect(throws: ACMEError.self) { try await client(garbled, folder: folder).renewalInfo(for: id) }
        await garbled.stop()
        #expect(bad?.kind == .invalidResponse)
        #expect(bad?.description.contains("soon") == true)
    }

    @Test("profiles: offered, not offered (listing the CA's), or a CA without any")
    func profiles() throws {
        let json = #"{"newNonce":"n","newAccount":"a","newOrder":"o","meta":{"profiles":{"shortlived":"6 days","classic":"90 days"}}}"#
        let directory = try JSONDecoder().decode(ACMEDirectory.self, from: Data(json.utf8))
        #expect(directory.support(forProfile: "classic") == .offered)
        #expect(directory.support(forProfile: "tlsserver") == .notOffered(offered: ["classic", "shortlived"]))
        let bare = try JSONDecoder().decode(ACMEDirectory.self, from: Data(#"{"newNonce":"n","newAccount":"a","newOrder":"o"}"#.utf8))
        #expect(bare.support(forProfile: "classic") == .noProfiles)
    }
}

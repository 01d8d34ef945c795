import ACME
import Certificates
import Foundation
import Synchronization
import Testing
import WharfTesting

@Suite("rate limits, outages and polling against a scripted CA", .timeLimit(.minutes(2)))
struct StubCATests {
    func client(_ ca: StubCA, folder: TemporaryFolder, timeout: Duration = .seconds(30)) -> ACMEClient {
        ACMEClient(directoryURL: ca.directoryURL, accountStore: CertificateStateFolder(folder: folder.path), timeout: timeout, logger: LogRecorder().logger)
    }

    let solver = HTTP01Solver(tokens: HTTP01TokenTable())

    @Test("rateLimited with an HTTP-date Retry-After: the error says so and carries the delay")
    func rateLimited() async throws {
        let folder = try TemporaryFolder(prefix: "acme-stub")
        defer { folder.remove() }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let retryAt = formatter.string(from: Date().addingTimeInterval(3600))
        let ca = try await StubCA.start { method, path, _ in
            guard method == "POST", path == "/order" else { return nil }
            return StubCA.problem(429, type: "rateLimited", detail: "too many new orders recently", headers: [("Retry-After", retryAt)])
        }
        let error = await #expect(throws: ACMEError.self) {
            try await client(ca, folder: folder).obtainCertificate(hosts: ["mirror.example.test"], solver: solver)
        }
        await ca.stop()
        #expect(error?.kind == .rateLimited)
        let retryAfter = try #require(error?.retryAfter)
        // The date was written before the order; a loaded machine may take a while to get there.
        #expect(retryAfter > .seconds(3480) && retryAfter <= .seconds(3601))
        #expect(error?.description.contains("too many new orders recently") == true)
    }

    @Test("503 with Retry-After and an HTML page: unavailable, with the delay")
    func unavailable() async throws {
        let folder = try TemporaryFolder(prefix: "acme-stub")
        defer { folder.remove() }
        let ca = try await StubCA.start { method, path, _ in
            path == "/dir" ? .init(status: 503, headers: [("Retry-After", "120"), ("Content-Type", "text/html")], body: "<html>maintenance</html>") : nil
        }
        let error = await #expect(throws: ACMEError.self) { try await client(ca, folder: folder).directory() }
        await ca.stop()
        #expect(error?.kind == .unavailable)
        #expect(error?.retryAfter == .seconds(120))
        #expect(error?.description.contains("HTTP 503") == true)
    }

    @Test("badNonce is retried with the fresh nonce a bounded number of times")
    func badNonceForever() async throws {
        let folder = try TemporaryFolder(prefix: "acme-stub")
        defer { folder.remove() }
        let ca = try await StubCA.start { method, path, _ in
            method == "POST" && path == "/account" ? StubCA.problem(400, type: "badNonce", detail: "JWS has an invalid anti-replay nonce") : nil
        }
        let error = await #expect(throws: ACMEError.self) { try await client(ca, folder: folder).accountURL() }
        await ca.stop()
        #expect(error?.kind == .badNonce)
        #expect(ca.count("POST", "/account") == 11, "one attempt and ten retries")
        // The directory answer's nonce serves the first attempt, each badNonce answer's the next.
        #expect(ca.count("HEAD", "/nonce") == 0)
    }

    @Test("order polling waits for Retry-After; a delay beyond the deadline ends the order with it")
    func pollingHonoursRetryAfter() async throws {
        let folder = try TemporaryFolder(prefix: "acme-stub")
        defer { folder.remove() }
        let polls = Counter()
        let ca = try await StubCA.start { method, path, base in
            let order = { (status: String, extra: String) in
                StubHTTPServer.Response(status: 200, headers: [("Content-Type", "application/json")], body: #"""
                    {"status":"\#(status)","identifiers":[{"type":"dns","value":"mirror.example.test"}],"authorizations":[],"finalize":"\#(base)/order/1/finalize"\#(extra)}
                    """#)
            }
            switch (method, path) {
            case ("POST", "/order"):
                var created = order("ready", "")
                created.status = 201
                created.headers.append(("Location", "\(base)/order/1"))
                return created
            case ("POST", "/order/1/finalize"):
                var processing = order("processing", "")
                processing.headers.append(("Retry-After", "1"))
                return processing
            case ("POST", "/order/1"):
                let count = polls.next()
                var processing = order("processing", "")
                processing.headers.append(("Retry-After", count == 1 ? "0" : "30"))
                return processing
            default:
                return nil
            }
        }
        let error = await #expect(throws: ACMEError.self) {
            // 20 s: the whole suite shares two cores; Retry-After: 30 still passes the deadline.
            try await client(ca, folder: folder, timeout: .seconds(20)).obtainCertificate(hosts: ["mirror.example.test"], solver: solver)
        }
        await ca.stop()
        let finalized = try #require(ca.requests.first { $0.path == "/order/1/finalize" }?.at)
        let polled = try #require(ca.requests.first { $0.path == "/order/1" }?.at)
        #expect(polled - finalized >= .seconds(1), "the first poll waited for Retry-After: 1")
        #expect(error?.kind == .timeout)
        #expect(error?.retryAfter == .seconds(30))
        #expect(ca.count("POST", "/order/1") == 2)
    }
}

/// A counter the scripted responder can bump.
private final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}

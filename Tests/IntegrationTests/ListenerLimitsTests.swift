import Foundation
import NIOHTTP1
import Synchronization
import Testing
import WharfTesting

@Suite("listener limits: slow and greedy clients are cut, honest ones served", .serialized)
struct ListenerLimitsTests {
    /// The value of `metric{reason="REASON"}` in Prometheus text, 0 when absent.
    static func count(_ metric: String, reason: String, in text: String) -> Int {
        let prefix = "\(metric){reason=\"\(reason)\"} "
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return 0 }
        return Int(Double(line.dropFirst(prefix.count)) ?? 0)
    }

    static func metrics(_ wharf: WharfProcess) async throws -> String {
        try await HTTPProbe.send(.GET, wharf.url + "/metrics").body
    }

    /// Waits until `condition` holds, checking every 200 ms, for `timeout` at most.
    static func eventually(within timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }

    @Test("a slowloris of 2,000 connections is closed after the header timeout, an honest client is served throughout")
    func slowloris() async throws {
        let image = try ImageFactory.image(layerSizes: [300_000], seed: 170)
        // The defaults: a 10 s header timeout; 10 connections from each of 200 addresses stay
        // under 256 per client and 4,096 in all.
        try await PullFixture.with("slowloris", images: [("library/test", "latest", image)]) { fixture in
            let wharf = fixture.wharf
            let blobURL = wharf.url + "/v2/library/test/blobs/\(image.layers[0].digest)"
            #expect(try await HTTPProbe.send(.GET, blobURL).bytes == image.layers[0].bytes)
            let idle = try wharf.openDescriptors()

            var attackers: [RawConnection] = []
            for batch in 0..<20 {
                for index in 0..<100 {
                    let attacker = try RawConnection(port: wharf.port, from: "127.0.1.\(1 + (batch * 100 + index) % 200)")
                    attacker.send("GET /v2/ HTTP/1.1\r\nHost: mirror\r\n")
                    attackers.append(attacker)
                }
                // Wait for Wharf to accept the batch, so that no connect waits in a full backlog.
                let count = attackers.count
                _ = try await Self.eventually(within: .seconds(2)) { try wharf.openDescriptors() >= idle + count }
            }
            var held = try wharf.openDescriptors()
            var honestAnswers = 0
            let deadline = ContinuousClock.now + .seconds(90)
            while attackers.contains(where: { !$0.isClosedByPeer }), ContinuousClock.now < deadline {
                held = max(held, try wharf.openDescriptors())
                for attacker in attackers where !attacker.isClosedByPeer { attacker.send("X-Drip: 1\r\n") }
                let answer = try await HTTPProbe.send(.GET, blobURL)
                #expect(answer.status == 200 && answer.bytes == image.layers[0].bytes, "the honest client was not served during the slowloris")
                honestAnswers += 1
                try await Task.sleep(for: .seconds(1))
            }
            let open = attackers.filter { !$0.isClosedByPeer }.count
            #expect(open == 0, "\(open) of 2,000 slow connections were still open after 90 s")
            #expect(honestAnswers >= 3)
            attackers.forEach { $0.close() }
            let settled = try await Self.eventually(within: .seconds(20)) { try wharf.openDescriptors() <= idle + 2 }
            let after = try wharf.openDescriptors()
            #expect(settled, "descriptors: \(idle) idle, \(held) during the slowloris, \(after) after")
            print("slowloris: descriptors \(idle) idle, \(held) held at most, \(after) after; \(honestAnswers) honest answers meanwhile")
            // Every one was let in and then cut for its headers, none refused.
            let metrics = try await Self.metrics(wharf)
            #expect(Self.count("wharf_connections_cut_total", reason: "header", in: metrics) >= 2000)
            #expect(Self.count("wharf_connections_refused_total", reason: "connectionsperclient", in: metrics) == 0)
        }
    }

    @Test("with the defaults, one address gets 256 connections; the 257th is refused and others are served")
    func perClientLimit() async throws {
        try await PullFixture.with("perclient") { fixture in
            let wharf = fixture.wharf
            var greedy: [RawConnection] = []
            for _ in 0..<300 { greedy.append(try RawConnection(port: wharf.port, from: "127.0.0.3")) }
            let refused = try await Self.eventually(within: .seconds(10)) { greedy.filter(\.isClosedByPeer).count >= 44 }
            #expect(refused)
            try await Task.sleep(for: .milliseconds(500))
            #expect(greedy.filter(\.isClosedByPeer).count == 300 - 256, "exactly the connections beyond 256 are refused")
            #expect(try await HTTPProbe.send(.GET, wharf.url + "/v2/").status == 200, "another address is served")
            #expect(Self.count("wharf_connections_refused_total", reason: "connectionsperclient", in: try await Self.metrics(wharf)) == 44)
            greedy.forEach { $0.close() }
            let admitted = try await Self.eventually(within: .seconds(10)) {
                let again = try RawConnection(port: wharf.port, from: "127.0.0.3")
                again.send("GET /v2/ HTTP/1.1\r\nHost: mirror\r\n\r\n")
                return String(decoding: again.read(upTo: 12, timeout: .seconds(2)).bytes, as: UTF8.self) == "HTTP/1.1 200"
            }
            #expect(admitted, "a closed connection gives its place back")
        }
    }

    @Test("a kept-alive connection with no next request is closed after the idle timeout, one still asking is not")
    func idleTimeout() async throws {
        try await PullFixture.with("idle", httpYAML: "  timeouts:\n    idle: 2s\n") { fixture in
            let wharf = fixture.wharf
            let quiet = try RawConnection(port: wharf.port)
            let busy = try RawConnection(port: wharf.port)
            for connection in [quiet, busy] {
                connection.send("GET /v2/ HTTP/1.1\r\nHost: mirror\r\n\r\n")
                #expect(String(decoding: connection.read(upTo: 12).bytes, as: UTF8.self) == "HTTP/1.1 200")
                _ = connection.read(upTo: 65536, timeout: .milliseconds(300))
            }
            var busyAnswers = 0
            let closed = try await Self.eventually(within: .seconds(30)) {
                busy.send("GET /v2/ HTTP/1.1\r\nHost: mirror\r\n\r\n")
                if String(decoding: busy.read(upTo: 12).bytes, as: UTF8.self) == "HTTP/1.1 200" { busyAnswers += 1 }
                _ = busy.read(upTo: 65536, timeout: .milliseconds(100))
                return quiet.isClosedByPeer
            }
            #expect(closed, "the idle connection was never closed")
            #expect(!busy.isClosedByPeer && busyAnswers >= 5, "the connection asking every 200 ms was served throughout: \(busyAnswers) answers")
            #expect(Self.count("wharf_connections_cut_total", reason: "idle", in: try await Self.metrics(wharf)) == 1)
        }
    }

    @Test("a client that stops reading a 64 MiB blob is cut after the write-stall timeout, and Wharf lets go of it")
    func writeStall() async throws {
        let size = 64 * 1024 * 1024
        var random = SeededRandom(seed: 171)
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { random.fill($0) }
        let layer = TestBlob(bytes: bytes, mediaType: "application/octet-stream")
        try await PullFixture.with("writestall", httpYAML: "  timeouts:\n    writestall: 3s\n") { fixture in
            let seeder = RegistrySeeder(baseURL: fixture.upstream.url)
            try await seeder.pushBlob(layer, repository: "library/big")
            try await seeder.shutdown()
            let wharf = fixture.wharf
            let path = "/v2/library/big/blobs/\(layer.digest)"
            let first = try await HTTPProbe.send(.GET, wharf.url + path)
            #expect(first.status == 200 && first.bytes == layer.bytes, "\(first.status), \(first.bytes.count) bytes")
            let idle = try wharf.openDescriptors()
            let residentBefore = try wharf.residentBytes()

            for attempt in ["first", "second"] {
                let reader = try RawConnection(port: wharf.port, receiveBuffer: 4096)
                reader.send("GET \(path) HTTP/1.1\r\nHost: mirror\r\n\r\n")
                let head = String(decoding: reader.read(upTo: 12).bytes, as: UTF8.self)
                #expect(head == "HTTP/1.1 200", "\(attempt): \(head)")
                let cut = try await Self.eventually(within: .seconds(60)) {
                    Self.count("wharf_connections_cut_total", reason: "writestall", in: try await Self.metrics(wharf)) >= (attempt == "first" ? 1 : 2)
                }
                #expect(cut, "\(attempt): the stalled reader was not cut")
                let rest = reader.read(upTo: size + 65536, timeout: .seconds(10))
                #expect(rest.ended, "\(attempt): the connection should have ended")
                #expect(rest.bytes.count < size, "\(attempt): the stalled reader got \(rest.bytes.count) bytes, the whole blob")
                reader.close()
            }
            let settled = try await Self.eventually(within: .seconds(10)) { try wharf.openDescriptors() <= idle + 2 }
            let descriptorsAfter = try wharf.openDescriptors()
            #expect(settled, "descriptors: \(idle) before, \(descriptorsAfter) after")
            let residentAfter = try wharf.residentBytes()
            print("write stall: RSS \(residentBefore / 1_048_576) MiB before, \(residentAfter / 1_048_576) MiB after two stalled 64 MiB readers")
            #expect(residentAfter < residentBefore + 32 * 1_048_576)
            #expect(try await HTTPProbe.send(.GET, wharf.url + path).bytes == layer.bytes, "a reading client still gets the whole blob")
        }
    }

    /// Opens HTTP/2 streams and resets each at once, in a loop, over fresh connections; prints
    /// one JSON line per connection: how many streams it reset and how the server ended it.
    static let rapidReset = #"""
        import json, socket, ssl, sys
        import h2.config, h2.connection, h2.events
        port, ca, rounds, streams = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        for _ in range(rounds):
            context = ssl.create_default_context(cafile=ca)
            context.set_alpn_protocols(["h2"])
            sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
            assert sock.selected_alpn_protocol() == "h2", sock.selected_alpn_protocol()
            conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
            conn.initiate_connection()
            sock.sendall(conn.data_to_send())
            sent, goaway, error = 0, None, None
            headers = [(":method", "GET"), (":scheme", "https"), (":authority", "localhost"), (":path", "/v2/library/test/manifests/latest")]
            try:
                for _ in range(streams):
                    stream = conn.get_next_available_stream_id()
                    conn.send_headers(stream, headers, end_stream=True)
                    conn.reset_stream(stream)
                    sock.sendall(conn.data_to_send())
                    sent += 1
                    sock.setblocking(False)
                    try:
                        data = sock.recv(65536)
                        if not data:
                            break
                        for event in conn.receive_data(data):
                            if isinstance(event, h2.events.ConnectionTerminated):
                                goaway = event.error_code
                    except (ssl.SSLWantReadError, BlockingIOError):
                        pass
                    finally:
                        sock.setblocking(True)
                    if goaway is not None:
                        break
            except Exception as failure:
                error = type(failure).__name__
            print(json.dumps({"sent": sent, "goaway": None if goaway is None else int(goaway), "error": error}), flush=True)
            sock.close()
        """#

    @Test("an HTTP/2 rapid-reset flood gets GOAWAY ENHANCE_YOUR_CALM, counted, while an honest curl --http2 is served throughout")
    func rapidResetFlood() async throws {
        let python = try await HTTP2LimitsTests.requireH2()
        try await HTTP2LimitsTests.withSetup("h2-reset") { setup in try await Self.flood(setup, python: python) }
    }

    static func flood(_ setup: TLSServingTests.Setup, python: String) async throws {
        let script = setup.folder.file("rapid-reset.py")
        try Self.rapidReset.write(toFile: script, atomically: true, encoding: .utf8)
        let connections = 20
        let floodEnded = Flag()
        async let floodRun: ProcessResult = {
            defer { floodEnded.set() }
            return try await Command.run(python, [script, String(setup.wharf.port), setup.authority.certificatePath, String(connections), "20000"], timeout: .seconds(300))
        }()
        var honest: [String] = []
        while !floodEnded.isSet || honest.isEmpty { honest.append(try await HTTP2LimitsTests.honestPull(setup)) }
        let flood = try await floodRun
        #expect(flood.succeeded, "\(flood.summary)")
        struct Round: Decodable { let sent: Int; let goaway: Int?; let error: String? }
        let rounds = flood.stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(Round.self, from: Data($0.utf8)) }
        #expect(rounds.count == connections, "\(flood.summary)")
        for round in rounds {
            #expect(round.sent < 20000, "Wharf let one connection reset \(round.sent) streams")
            #expect(round.goaway == 11, "GOAWAY ENHANCE_YOUR_CALM (11) expected, got \(round)")
        }
        print("rapid reset: streams reset per connection before Wharf ended it: \(rounds.map(\.sent)); GOAWAY codes \(rounds.map { $0.goaway.map(String.init) ?? "none" }); \(honest.count) honest answers meanwhile")
        #expect(honest.allSatisfy { $0 == "2 200" }, "the honest client during the flood: \(honest)")
        #expect(setup.wharf.isRunning)
        #expect(try await HTTP2LimitsTests.cuts("rapidreset", setup) == connections)
        #expect(try await HTTP2LimitsTests.honestPull(setup) == "2 200")
    }

    /// Set once, read from another task.
    final class Flag: Sendable {
        private let state = Atomic(false)
        var isSet: Bool { state.load(ordering: .acquiring) }
        func set() { state.store(true, ordering: .releasing) }
    }
}

import Foundation
import Testing
import WharfTesting

@Suite("HTTP/2 limits: streams and header lists beyond them end the connection, counted", .serialized)
struct HTTP2LimitsTests {
    /// What ``client`` saw of one HTTP/2 connection.
    struct Outcome: Decodable {
        /// The server's SETTINGS, by parameter number (3: MAX_CONCURRENT_STREAMS, 6: MAX_HEADER_LIST_SIZE).
        let settings: [String: Int]
        /// The status of each answered stream.
        let statuses: [String]
        /// The GOAWAY error code, if the server sent one.
        let goaway: Int?
        let error: String?
    }

    /// Opens `streams` requests on one connection and leaves each open (no END_STREAM), each
    /// with an `x-pad` header of `pad` bytes; then, with `big` > 0, one more request with an
    /// `x-big` header of `big` bytes and `same` copies of one 100-byte `x-same` header (HPACK
    /// sends a copy in a byte or two). With `pings`, it first sends that many PING frames at
    /// once. Prints what it saw as one JSON ``Outcome``.
    static let client = #"""
        import json, os, random, socket, ssl, string, sys
        import h2.config, h2.connection, h2.events
        # h2 keeps to the server's concurrent-stream limit itself; this client must be able to go beyond it.
        h2.connection.H2Connection.open_outbound_streams = property(lambda self: 0)
        port, ca, streams, pad, big, pings = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
        same = int(sys.argv[7])
        context = ssl.create_default_context(cafile=ca)
        context.set_alpn_protocols(["h2"])
        sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
        assert sock.selected_alpn_protocol() == "h2", sock.selected_alpn_protocol()
        sock.settimeout(10)
        conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True))
        conn.initiate_connection()
        sock.sendall(conn.data_to_send())
        outcome = {"settings": {}, "statuses": [], "goaway": None, "error": None}

        def pump(done):
            while not done() and outcome["goaway"] is None:
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    return
                if not data:
                    return
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.RemoteSettingsChanged):
                        outcome["settings"].update({str(int(k)): v.new_value for k, v in event.changed_settings.items()})
                    elif isinstance(event, h2.events.ResponseReceived):
                        outcome["statuses"].append(dict(event.headers)[b":status"].decode())
                    elif isinstance(event, h2.events.ConnectionTerminated):
                        outcome["goaway"] = int(event.error_code)
                pending = conn.data_to_send()
                if pending:
                    sock.sendall(pending)

        def filler(size):
            return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(size))

        request = [(":method", "GET"), (":scheme", "https"), (":authority", "localhost"), (":path", "/v2/")]
        try:
            pump(lambda: outcome["settings"])
            if pings > 0:
                for _ in range(pings):
                    conn.ping(os.urandom(8))
                sock.sendall(conn.data_to_send())
                pump(lambda: False)
            for _ in range(streams):
                conn.send_headers(conn.get_next_available_stream_id(), request + [("x-pad", filler(pad))], end_stream=False)
            sock.sendall(conn.data_to_send())
            pump(lambda: len(outcome["statuses"]) >= streams)
            if (big > 0 or same > 0) and outcome["goaway"] is None:
                extra = [("x-big", filler(big))] if big > 0 else []
                conn.send_headers(conn.get_next_available_stream_id(), request + extra + [("x-same", "v" * 100)] * same, end_stream=True)
                sock.sendall(conn.data_to_send())
                pump(lambda: len(outcome["statuses"]) > streams)
        except Exception as failure:
            outcome["error"] = type(failure).__name__
        print(json.dumps(outcome), flush=True)
        sock.close()
        """#

    static func run(_ setup: TLSServingTests.Setup, streams: Int, pad: Int = 16, big: Int = 0, same: Int = 0, pings: Int = 0) async throws -> Outcome {
        let python = try await requireH2()
        let script = setup.folder.file("h2-limits.py")
        try Self.client.write(toFile: script, atomically: true, encoding: .utf8)
        let result = try await Command.run(python, [script, String(setup.wharf.port), setup.authority.certificatePath, String(streams), String(pad), String(big), String(pings), String(same)])
        #expect(result.succeeded, "\(result.summary)")
        return try JSONDecoder().decode(Outcome.self, from: Data(result.stdout.utf8))
    }

    /// Debian's Python, where python3-h2 installs (a python3 earlier on PATH may be another).
    static func requireH2() async throws -> String {
        let python = "/usr/bin/python3"
        let hasH2 = try await Command.run(python, ["-c", "import h2"])
        try #require(hasH2.succeeded, "Python's h2 is missing: apt-get install -y python3-h2")
        return python
    }

    /// The value of `wharf_connections_cut_total{reason=REASON}` as Wharf's `/metrics` shows it over TLS.
    static func cuts(_ reason: String, _ setup: TLSServingTests.Setup) async throws -> Int {
        ListenerLimitsTests.count("wharf_connections_cut_total", reason: reason, in: try await curl(setup, "/metrics").stdout)
    }

    /// curl over HTTP/2 to Wharf; `-w` prints the HTTP version and status.
    static func curl(_ setup: TLSServingTests.Setup, _ path: String, arguments: [String] = []) async throws -> ProcessResult {
        let curl = try Command.locate("curl", debianPackage: "curl")
        return try await Command.run(curl, ["-sS", "--http2", "--cacert", setup.authority.certificatePath] + arguments + [setup.wharf.httpsURL + path])
    }

    static func honestPull(_ setup: TLSServingTests.Setup) async throws -> String {
        try await curl(setup, "/v2/library/test/blobs/\(setup.image.layers[0].digest)", arguments: ["-o", "/dev/null", "-w", "%{http_version} %{http_code}"]).stdout
    }

    static func withSetup(_ name: String, httpYAML: String = "", _ body: (TLSServingTests.Setup) async throws -> Void) async throws {
        let setup = try await TLSServingTests.Setup.start(name, httpYAML: httpYAML)
        do {
            try await body(setup)
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }

    @Test("SETTINGS advertise 100 concurrent streams; 100 held open are answered, the 101st ends the connection with GOAWAY")
    func concurrentStreams() async throws {
        try await Self.withSetup("h2-streams") { setup in
            let within = try await Self.run(setup, streams: 100)
            #expect(within.settings["3"] == 100, "SETTINGS_MAX_CONCURRENT_STREAMS: \(within.settings)")
            #expect(within.goaway == nil && within.error == nil, "\(within)")
            #expect(within.statuses.count == 100 && within.statuses.allSatisfy { $0 == "200" }, "\(within.statuses.count) of 100 answered")
            #expect(try await Self.cuts("http2streams", setup) == 0)

            let beyond = try await Self.run(setup, streams: 101)
            #expect(beyond.goaway == 1, "GOAWAY PROTOCOL_ERROR expected: \(beyond)")
            #expect(beyond.statuses.count <= 100)
            #expect(try await Self.cuts("http2streams", setup) == 1)
            #expect(try await Self.honestPull(setup) == "2 200", "an honest client is still served")
        }
    }

    @Test("SETTINGS advertise a 16 KiB header list; one of 8 KiB is answered, one of 40 KB or an HPACK bomb ends the connection with GOAWAY")
    func headerListSize() async throws {
        try await Self.withSetup("h2-headers") { setup in
            let outcome = try await Self.run(setup, streams: 1, pad: 8 * 1024, big: 40_000)
            #expect(outcome.settings["6"] == 16 * 1024, "SETTINGS_MAX_HEADER_LIST_SIZE: \(outcome.settings)")
            #expect(outcome.statuses == ["200"], "the request under the limit is answered, the one beyond is not: \(outcome)")
            #expect(outcome.goaway == 1, "GOAWAY PROTOCOL_ERROR expected: \(outcome)")
            #expect(try await Self.cuts("http2headerlist", setup) == 1)
            // 400 copies of one header: about 500 bytes on the wire, 53 KB decoded. swift-nio-http2's
            // HPACK decoder stops it with COMPRESSION_ERROR, reported as a frame it could not parse.
            let bomb = try await Self.run(setup, streams: 0, same: 400)
            #expect(bomb.goaway == 9 && bomb.statuses.isEmpty, "GOAWAY COMPRESSION_ERROR expected: \(bomb)")
            #expect(try await Self.cuts("http2malformed", setup) == 1)
            #expect(try await Self.honestPull(setup) == "2 200", "an honest client is still served")
        }
    }

    @Test("a PING flood gets GOAWAY ENHANCE_YOUR_CALM, counted as an HTTP/2 flood")
    func pingFlood() async throws {
        try await Self.withSetup("h2-pings") { setup in
            let flood = try await Self.run(setup, streams: 0, pings: 1000)
            #expect(flood.goaway == 11, "GOAWAY ENHANCE_YOUR_CALM expected: \(flood)")
            #expect(try await Self.cuts("http2flood", setup) == 1)
            #expect(try await Self.honestPull(setup) == "2 200", "an honest client is still served")
        }
    }

    @Test("the limits follow http.limits: 8 streams advertised and enforced, a 4 KiB header list")
    func configuredLimits() async throws {
        let yaml = "  limits:\n    http2streams: 8\n    http2headerlist: 4KiB\n"
        try await Self.withSetup("h2-configured", httpYAML: yaml) { setup in
            let within = try await Self.run(setup, streams: 8)
            #expect(within.settings["3"] == 8 && within.settings["6"] == 4096, "\(within.settings)")
            #expect(within.statuses.count == 8 && within.goaway == nil, "\(within)")
            let beyond = try await Self.run(setup, streams: 9)
            #expect(beyond.goaway == 1, "\(beyond)")
            let big = try await Self.run(setup, streams: 0, big: 6000)
            #expect(big.goaway == 1 && big.statuses.isEmpty, "\(big)")
            #expect(try await Self.cuts("http2streams", setup) == 1)
            #expect(try await Self.cuts("http2headerlist", setup) == 1)
        }
    }

    @Test("http2resets and http2resetwindow set the rate: 240 resets pass under 250 a minute (the default 200 would not), 300 are cut")
    func configuredResetRate() async throws {
        let python = try await Self.requireH2()
        try await Self.withSetup("h2-resets", httpYAML: "  limits:\n    http2resets: 250\n    http2resetwindow: 1m\n") { setup in
            let script = setup.folder.file("rapid-reset.py")
            try ListenerLimitsTests.rapidReset.write(toFile: script, atomically: true, encoding: .utf8)
            let under = try await Command.run(python, [script, String(setup.wharf.port), setup.authority.certificatePath, "1", "240"])
            #expect(under.succeeded && under.stdout.contains("\"sent\": 240, \"goaway\": null, \"error\": null"), "\(under.summary)")
            #expect(try await Self.cuts("rapidreset", setup) == 0)
            let beyond = try await Command.run(python, [script, String(setup.wharf.port), setup.authority.certificatePath, "1", "300"])
            #expect(beyond.succeeded, "\(beyond.summary)")
            #expect(try await ListenerLimitsTests.eventually(within: .seconds(5)) { try await Self.cuts("rapidreset", setup) == 1 })
        }
    }

    @Test("SIGTERM during an HTTP/2 download: the stream finishes whole, then Wharf exits")
    func gracefulShutdown() async throws {
        let setup = try await TLSServingTests.Setup.start("h2-term", layerSize: 20 * 1024 * 1024)
        do {
            let layer = setup.image.layers[0]
            async let slow = Self.curl(setup, "/v2/library/test/blobs/\(layer.digest)", arguments: ["-o", "/dev/null", "--limit-rate", "5M", "-w", "%{http_version} %{size_download}"])
            try await Task.sleep(for: .seconds(1))
            setup.wharf.send(SIGTERM)
            let status = try await setup.wharf.waitForExit(timeout: .seconds(35))
            #expect(status == 0, "exits cleanly within the 30 s drain bound")
            let finished = try await slow
            #expect(finished.status == 0 && finished.stdout == "2 \(layer.size)", "the stream running at SIGTERM: curl exit \(finished.status), \(finished.stdout) \(finished.stderr)")
        } catch {
            await setup.stop()
            throw error
        }
        await setup.stop()
    }
}

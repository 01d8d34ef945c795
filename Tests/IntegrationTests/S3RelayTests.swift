import Foundation
import NIOHTTP1
import Testing
import WharfTesting

/// Warm blobs from the bucket on plaintext HTTP/1.1 go out through the pipeline's relay, whose
/// bytes arrive after Hummingbird has moved on: whatever Hummingbird writes or closes meanwhile
/// must wait behind them.
@Suite("blobs relayed from the bucket keep HTTP/1.1 in order (SeaweedFS)")
struct S3RelayTests {
    static let image = try! ImageFactory.image(layerSizes: [3 * 1024 * 1024 + 17], seed: 151)

    @Test("pipelined requests, Connection: close, a range, and a client that leaves mid-blob")
    func relayOrder() async throws {
        let fixture = try await PullFixture.start("s3-relay", images: [("library/relay", "v1", Self.image)])
        let fleet = try await S3Fleet.start("relay", count: 1, upstreamURL: fixture.upstream.url)
        let wharf = fleet.instances[0]
        let layer = Self.image.layers[0]
        let config = Self.image.config
        for blob in [layer, config] {
            let cold = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/relay/blobs/\(blob.digest)")
            #expect(cold.status == 200)
            #expect(cold.bytes == blob.bytes)
            let warm = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/relay/blobs/\(blob.digest)")
            #expect(warm.headers.first(name: "X-Wharf-Cache") == "hit", "the second GET must come from the bucket")
            #expect(warm.bytes == blob.bytes)
        }
        let path = "/v2/library/relay/blobs/"

        // Three requests in one write: each answer whole and in order, the range's too.
        let pipelined = try RawConnection(port: wharf.port)
        pipelined.send(
            "GET \(path)\(layer.digest) HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET \(path)\(config.digest) HTTP/1.1\r\nHost: x\r\nRange: bytes=10-109\r\n\r\n"
                + "GET \(path)\(layer.digest) HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        var reader = ResponseReader(pipelined)
        let first = try reader.next()
        #expect(first.status == 200)
        #expect(first.body == layer.bytes)
        let second = try reader.next()
        #expect(second.status == 206)
        #expect(second.body == Array(config.bytes[10..<110]))
        let third = try reader.next()
        #expect(third.status == 200)
        #expect(third.body == layer.bytes)
        pipelined.close()

        // Connection: close: Hummingbird closes after the response; the relay finishes first.
        let closing = try RawConnection(port: wharf.port)
        closing.send("GET \(path)\(layer.digest) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        var closingReader = ResponseReader(closing)
        let whole = try closingReader.next()
        #expect(whole.status == 200)
        #expect(whole.body == layer.bytes)
        #expect(closingReader.readToEnd().isEmpty, "nothing may follow the body")

        // A client that reads a little and leaves: the relay stops, the server goes on.
        for _ in 0..<4 {
            let leaving = try RawConnection(port: wharf.port, receiveBuffer: 4096)
            leaving.send("GET \(path)\(layer.digest) HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(leaving.read(upTo: 2000).bytes.count == 2000)
            leaving.close()
        }
        let after = try await HTTPProbe.send(.GET, wharf.url + path + layer.digest)
        #expect(after.status == 200)
        #expect(after.bytes == layer.bytes)
        #expect(!wharf.log().contains("Fatal error"), "\(wharf.log().suffix(2000))")
        await fleet.stop()
        await fixture.stop()
    }
}

extension S3RelayTests {
    static let large = try! ImageFactory.image(layerSizes: [48 * 1024 * 1024], seed: 152)

    /// Pulls the large layer through `wharf` twice, the second time from the bucket; its path.
    static func warmLargeLayer(on wharf: WharfProcess) async throws -> String {
        let layer = large.layers[0]
        let path = "/v2/library/large/blobs/\(layer.digest)"
        _ = try await HTTPProbe.send(.GET, wharf.url + path)
        let warm = try await HTTPProbe.send(.GET, wharf.url + path)
        #expect(warm.headers.first(name: "X-Wharf-Cache") == "hit", "the second GET must come from the bucket")
        #expect(TestBlob.digest(of: warm.bytes) == layer.digest)
        return path
    }

    @Test("clients that do not read hold their relays back: memory stays flat in blob size and clients")
    func relayBackPressure() async throws {
        let fixture = try await PullFixture.start("s3-relay-memory", images: [("library/large", "v1", Self.large)])
        let fleet = try await S3Fleet.start("relaymem", count: 1, upstreamURL: fixture.upstream.url)
        let wharf = fleet.instances[0]
        let layer = Self.large.layers[0]
        let path = try await Self.warmLargeLayer(on: wharf)

        let before = try wharf.residentBytes()
        var readers: [ResponseReader] = []
        for _ in 0..<6 {
            let connection = try RawConnection(port: wharf.port, receiveBuffer: 16384)
            connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            readers.append(ResponseReader(connection))
        }
        // Six slow readers (a piece every 5 ms each) for 3 s, long enough for the bucket to
        // have sent every byte were nothing holding the relays back.
        let clock = ContinuousClock()
        let end = clock.now + .seconds(3)
        var peak = 0
        while clock.now < end {
            for index in readers.indices { readers[index].trickle() }
            peak = max(peak, try wharf.residentBytes() - before)
            try await Task.sleep(for: .milliseconds(5))
        }
        // 6 x 48 MiB would be 288 MiB; a relay holds about one read (1 MiB) beside the sockets' buffers.
        #expect(peak < 40 * 1024 * 1024, "resident memory grew by \(peak / 1024 / 1024) MiB with 6 slow clients")
        for index in readers.indices {
            let answer = try readers[index].next()
            #expect(answer.status == 200)
            #expect(TestBlob.digest(of: answer.body) == layer.digest)
        }
        for reader in readers { reader.connection.close() }
        await fleet.stop()
        await fixture.stop()
    }
}

extension S3RelayTests {
    @Test("the bucket going away mid-relay: the client's connection is cut short, the failure logged, Wharf serves on")
    func bucketGoneMidRelay() async throws {
        let fixture = try await PullFixture.start("s3-relay-gone", images: [("library/large", "v1", Self.large)])
        // A SeaweedFS of its own, to stop under the relay.
        let seaweed = try await SeaweedFSPeer.start()
        let fleet = try await S3Fleet.start("relaygone", count: 1, upstreamURL: fixture.upstream.url, peer: seaweed)
        let wharf = fleet.instances[0]
        let path = try await Self.warmLargeLayer(on: wharf)

        // A client that reads a little: its relay waits on it with most of the blob unread.
        let connection = try RawConnection(port: wharf.port, receiveBuffer: 16384)
        connection.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
        var reader = ResponseReader(connection)
        // The head and some of the body, so that the relay is under way.
        for _ in 0..<200 where reader.buffered.count < 8192 {
            reader.trickle()
            try await Task.sleep(for: .milliseconds(25))
        }
        try #require(reader.buffered.count >= 8192, "no answer began")
        seaweed.kill()
        // Reading on: the answer ends before its Content-Length, with the connection.
        #expect(throws: TestSupportError.self) { _ = try reader.next() }
        #expect(reader.ended, "the connection must be closed, its answer being short")
        try await wharf.waitForLog(containing: "a blob relayed from the store failed")
        #expect(!wharf.log().contains(seaweed.secretKey), "no secret in the log")
        #expect(wharf.isRunning)
        let ready = try await HTTPProbe.send(.GET, wharf.url + "/readyz")
        #expect(ready.status == 503)
        await fleet.stop()
        await seaweed.stop()
        await fixture.stop()
    }
}

/// Reads HTTP/1.1 responses with a Content-Length, one after another, off a ``RawConnection``.
private struct ResponseReader {
    let connection: RawConnection
    var buffered: [UInt8] = []
    var ended = false

    init(_ connection: RawConnection) { self.connection = connection }

    mutating func next() throws -> (status: Int, body: [UInt8]) {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffered.indices.dropLast(3).first { Array(buffered[$0..<$0 + 4]) == separator }
            if headEnd == nil { try fill() }
        }
        let head = String(decoding: buffered[0..<headEnd!], as: UTF8.self)
        buffered.removeFirst(headEnd! + 4)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ")[1]) else {
            throw TestSupportError("not an HTTP response head: \(head.prefix(200))")
        }
        guard let lengthLine = lines.first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(lengthLine.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
        else { throw TestSupportError("no Content-Length in: \(head.prefix(400))") }
        while buffered.count < length { try fill() }
        let body = Array(buffered[0..<length])
        buffered.removeFirst(length)
        return (status, body)
    }

    /// Reads what is there now, at most 64 KiB, without waiting.
    mutating func trickle() {
        let read = connection.read(upTo: 65536, timeout: .zero)
        buffered += read.bytes
        ended = ended || read.ended
    }

    /// What follows until the server closes.
    mutating func readToEnd() -> [UInt8] {
        while !ended, (try? fill()) != nil {}
        defer { buffered = [] }
        return buffered
    }

    private mutating func fill() throws {
        guard !ended else { throw TestSupportError("the server closed the connection with \(buffered.count) bytes unread") }
        // Short waits, so that a pause after the last response costs little.
        for _ in 0..<40 {
            let read = connection.read(upTo: 1 << 20, timeout: .milliseconds(500))
            buffered += read.bytes
            ended = read.ended
            if !read.bytes.isEmpty || read.ended { return }
        }
        throw TestSupportError("no answer within 20 s")
    }
}

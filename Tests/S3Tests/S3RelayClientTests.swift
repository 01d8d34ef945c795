import AsyncHTTPClient
import NIOCore
import NIOPosix
import S3
import Testing
import Synchronization
import WharfTesting

/// ``S3Client/relayObject(_:range:on:to:)`` against a real SeaweedFS S3 gateway.
@Suite struct S3RelayClientTests {
    let tests = S3ClientTests()

    /// Relays `range` of `key`, collecting what the writer got; the writer fails with
    /// `failAfter` once it has that many bytes.
    func relay(_ client: S3Client, _ key: String, _ range: Range<Int64>, failAfter: Int? = nil) async throws -> [UInt8] {
        // S3Client.makeHTTPClient's client runs on the singleton group.
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let collected = Mutex<[UInt8]>([])
        let relay = client.relayObject(key, range: range, on: eventLoop) { piece in
            #expect(eventLoop.inEventLoop, "pieces are written on the relay's event loop")
            let count = collected.withLock { $0 += piece.readableBytesView; return $0.count }
            if let failAfter, count >= failAfter { return eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
            return eventLoop.makeSucceededVoidFuture()
        }
        try await relay.done.get()
        return collected.withLock { $0 }
    }

    @Test func aRangeIsRelayedOnTheGivenEventLoop() async throws {
        try await tests.withClient { client in
            let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try await client.putObject("relayed", bytes: bytes)
            #expect(try await relay(client, "relayed", 0..<300_000) == bytes)
            #expect(try await relay(client, "relayed", 1000..<250_000) == Array(bytes[1000..<250_000]))
        }
    }

    @Test func aMissingObjectIsNoSuchKey() async throws {
        try await tests.withClient { client in
            await #expect { _ = try await relay(client, "absent", 0..<10) } throws: { error in
                (error as? S3Error)?.isNotFound == true
            }
        }
    }

    @Test func aRangeLongerThanTheObjectFails() async throws {
        try await tests.withClient { client in
            try await client.putObject("short", bytes: Array("0123456789".utf8))
            await #expect { _ = try await relay(client, "short", 0..<20) } throws: { error in
                "\(error)".contains("10 of 20 bytes")
            }
        }
    }

    @Test func aFailingWriterStopsTheRelayWithItsError() async throws {
        try await tests.withClient { client in
            try await client.putObject("big", bytes: [UInt8](repeating: 7, count: 4 * 1024 * 1024))
            await #expect(throws: ChannelError.ioOnClosedChannel) { _ = try await relay(client, "big", 0..<(4 * 1024 * 1024), failAfter: 1) }
            // The client is still good for the next request.
            #expect(try await relay(client, "big", 0..<100) == [UInt8](repeating: 7, count: 100))
        }
    }

    @Test func aLoopOfAnotherGroupRelaysTooAndAnEmptyRangeIsRefused() async throws {
        try await tests.withClient { client in
            try await client.putObject("small", bytes: Array("0123456789".utf8))
            let foreign = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let eventLoop = foreign.next()
            #expect(client.canRelay(on: eventLoop))
            let collected = Mutex<[UInt8]>([])
            let relay = client.relayObject("small", range: 2..<7, on: eventLoop) { piece in
                collected.withLock { $0 += piece.readableBytesView }
                return eventLoop.makeSucceededVoidFuture()
            }
            try await relay.done.get()
            #expect(collected.withLock { $0 } == Array("23456".utf8))
            let empty = client.relayObject("small", range: 5..<5, on: eventLoop) { _ in eventLoop.makeSucceededVoidFuture() }
            await #expect(throws: S3Error.self) { try await empty.done.get() }
            try await foreign.shutdownGracefully()
        }
    }

    @Test func keptConnectionsCarryManyRelaysInARow() async throws {
        try await tests.withClient { client in
            let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            try await client.putObject("again", bytes: bytes)
            for start in stride(from: 0, to: 60_000, by: 6_000) {
                #expect(try await relay(client, "again", Int64(start)..<Int64(start + 10_000)) == Array(bytes[start..<start + 10_000]))
            }
        }
    }

    @Test func aCancelledRelayFails() async throws {
        try await tests.withClient { client in
            try await client.putObject("slow", bytes: [UInt8](repeating: 1, count: 2 * 1024 * 1024))
            let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
            // A writer that never completes: the relay waits on it until cancelled.
            let stuck = eventLoop.makePromise(of: Void.self)
            let stalled = client.relayObject("slow", range: 0..<(2 * 1024 * 1024), on: eventLoop) { _ in stuck.futureResult }
            try await Task.sleep(for: .milliseconds(300))
            stalled.cancel()
            await #expect(throws: (any Error).self) { try await stalled.done.get() }
            stuck.succeed()
            #expect(try await relay(client, "slow", 0..<100) == [UInt8](repeating: 1, count: 100))
        }
    }
}

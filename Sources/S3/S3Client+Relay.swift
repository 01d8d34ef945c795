import NIOCore
import NIOHTTP1

/// A ranged GET whose body goes, piece by piece as the bucket sends it, to a writer on the
/// event loop that reads it.
public struct S3ObjectRelay: Sendable {
    /// Succeeds once every byte of the range was written; fails with an ``S3Error`` when the
    /// bucket failed or sent too few or too many bytes, or with the writer's own error.
    public let done: EventLoopFuture<Void>
    private let stop: @Sendable () -> Void

    init(done: EventLoopFuture<Void>, stop: @escaping @Sendable () -> Void) {
        self.done = done
        self.stop = stop
    }

    /// Stops reading the bucket; ``done`` fails.
    public func cancel() { stop() }
}

extension S3Client {
    /// Whether ``relayObject(_:range:on:to:)`` can read on `eventLoop` (one of NIO's own).
    public func canRelay(on eventLoop: any EventLoop) -> Bool {
        relays.canConnect(on: eventLoop)
    }

    /// Sends the bytes of `range` of `key` to `write` as they arrive, reading the bucket on
    /// `eventLoop` and calling `write` there, with no task switch in between (the async
    /// ``streamObject(_:range:)`` costs two per piece, and reads at most 64 KiB at a time).
    /// The next piece is read only once the future `write` returned has completed, so a slow
    /// writer slows the read. Fails, as unreachable, when `eventLoop` cannot carry the connection
    /// (ask ``canRelay(on:)`` first and stream otherwise).
    public func relayObject(
        _ key: String,
        range: Range<Int64>,
        on eventLoop: any EventLoop,
        to write: @escaping @Sendable (ByteBuffer) -> EventLoopFuture<Void>
    ) -> S3ObjectRelay {
        let operation = "GET \(key)"
        let promise = eventLoop.makePromise(of: Void.self)
        // An event loop NIO cannot connect on fails in S3RelayConnections.acquire, as unreachable.
        guard !range.isEmpty else {
            promise.fail(S3Error.malformed(operation: operation, status: nil, "an empty range"))
            return S3ObjectRelay(done: promise.futureResult, stop: {})
        }
        let signed = signedRequest(.GET, key: key, headers: [("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")])
        var headers = signed.headers
        headers.add(name: "Host", value: endpoint.hostHeader)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: signed.target, headers: headers)
        let attempt = S3RelayAttempt(
            connections: relays, head: head, expected: Int64(range.count), operation: operation, eventLoop: eventLoop, write: write, promise: promise
        )
        eventLoop.execute { attempt.run(retryIfStale: true) }
        return S3ObjectRelay(done: promise.futureResult, stop: { eventLoop.execute { attempt.cancel() } })
    }
}

/// One relayed GET: on a kept connection, retried once on a new one when the kept one turns
/// out closed before any answer (the bucket may close idle connections at any time).
final class S3RelayAttempt: Sendable {
    let connections: S3RelayConnections
    let head: HTTPRequestHead
    let expected: Int64
    let operation: String
    let eventLoop: any EventLoop
    let write: @Sendable (ByteBuffer) -> EventLoopFuture<Void>
    let promise: EventLoopPromise<Void>
    /// The connection's handler while the GET runs.
    private let handler: NIOLoopBoundBox<S3RelayHandler?>
    private let cancelled: NIOLoopBoundBox<Bool>

    init(
        connections: S3RelayConnections, head: HTTPRequestHead, expected: Int64, operation: String, eventLoop: any EventLoop,
        write: @escaping @Sendable (ByteBuffer) -> EventLoopFuture<Void>, promise: EventLoopPromise<Void>
    ) {
        self.connections = connections
        self.head = head
        self.expected = expected
        self.operation = operation
        self.eventLoop = eventLoop
        self.write = write
        self.promise = promise
        self.handler = .makeEmptyBox(eventLoop: eventLoop)
        self.cancelled = .makeBoxSendingValue(false, eventLoop: eventLoop)
    }

    /// Runs the GET; called on the event loop.
    func run(retryIfStale: Bool) {
        guard !cancelled.value else {
            promise.fail(CancellationError())
            return
        }
        connections.acquire(on: eventLoop).hop(to: eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .failure(let error):
                self.promise.fail(S3Error.unreachable(operation: self.operation, error))
            case .success(let (channel, reused)):
                self.send(on: channel, reused: reused, retryIfStale: retryIfStale)
            }
        }
    }

    private func send(on channel: any Channel, reused: Bool, retryIfStale: Bool) {
        guard !cancelled.value, let relayHandler = try? channel.pipeline.syncOperations.handler(type: S3RelayHandler.self) else {
            channel.close(promise: nil)
            promise.fail(cancelled.value ? CancellationError() : S3Error.unreachable(operation: operation, ChannelError.ioOnClosedChannel))
            return
        }
        self.handler.value = relayHandler
        let attempt = eventLoop.makePromise(of: Void.self)
        relayHandler.start(head, S3RelayHandler.Active(expected: expected, operation: operation, write: write, promise: attempt) { [connections] reusable in
            if reusable { connections.release(channel) }
        })
        attempt.futureResult.assumeIsolated().whenComplete { result in
            self.handler.value = nil
            if case .failure = result, reused, retryIfStale, !relayHandler.answered, !self.cancelled.value {
                self.run(retryIfStale: false)
            } else {
                self.promise.completeWith(result)
            }
        }
    }

    /// Stops the GET; called on the event loop.
    func cancel() {
        cancelled.value = true
        self.handler.value?.cancel()
    }
}

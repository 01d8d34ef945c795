import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A ranged GET whose body goes, piece by piece as the bucket sends it, to a writer on the
/// event loop that reads it.
public struct S3ObjectRelay: Sendable {
    /// Succeeds once every byte of the range was written; fails with an ``S3Error`` when the
    /// bucket failed or sent too few or too many bytes, or with the writer's own error.
    public let done: EventLoopFuture<Void>
    private let task: HTTPClient.Task<Void>?

    init(task: HTTPClient.Task<Void>, operation: String) {
        self.task = task
        self.done = task.futureResult.flatMapErrorThrowing { error in
            if error is S3Error { throw error }
            if error is HTTPClientError { throw S3Error.unreachable(operation: operation, error) }
            throw error
        }
    }

    init(failed error: S3Error, on eventLoop: any EventLoop) {
        self.task = nil
        self.done = eventLoop.makeFailedFuture(error)
    }

    /// Stops reading the bucket; ``done`` fails.
    public func cancel() { task?.cancel() }
}

extension S3Client {
    /// Whether ``relayObject(_:range:on:to:)`` can read on `eventLoop`: it must be one of the
    /// HTTP client's.
    public func canRelay(on eventLoop: any EventLoop) -> Bool {
        http.eventLoopGroup.makeIterator().contains { $0 === eventLoop }
    }

    /// Sends the bytes of `range` of `key` to `write` as they arrive, reading the bucket on
    /// `eventLoop` and calling `write` there, with no task switch in between (the async
    /// ``streamObject(_:range:)`` costs two per piece). The next piece is read only once the
    /// future `write` returned has completed, so a slow writer slows the read.
    /// Fails at once when `eventLoop` is not one the HTTP client can place a connection on
    /// (ask ``canRelay(on:)`` first and stream otherwise).
    public func relayObject(
        _ key: String,
        range: Range<Int64>,
        on eventLoop: any EventLoop,
        to write: @escaping @Sendable (ByteBuffer) -> EventLoopFuture<Void>
    ) -> S3ObjectRelay {
        let operation = "GET \(key)"
        guard !range.isEmpty, canRelay(on: eventLoop) else {
            return S3ObjectRelay(failed: .malformed(operation: operation, status: nil, "an empty range, or an event loop not of the bucket's HTTP client"), on: eventLoop)
        }
        let signed = signedRequest(.GET, key: key, headers: [("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")])
        let delegate = S3RelayDelegate(expected: Int64(range.count), operation: operation, eventLoop: eventLoop, write: write)
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: signed.url, method: .GET, headers: signed.headers)
        } catch {
            return S3ObjectRelay(failed: .malformed(operation: operation, status: nil, "the request URL is not usable: \(error)"), on: eventLoop)
        }
        // The deadline covers the whole body: generous, as a slow client reads it.
        let task = http.execute(request: request, delegate: delegate, eventLoop: .delegateAndChannel(on: eventLoop), deadline: .now() + .hours(6))
        return S3ObjectRelay(task: task, operation: operation)
    }
}

/// Receives a relayed GET on its event loop: checks the status and the byte count, and hands
/// each piece of a good answer to the writer.
final class S3RelayDelegate: HTTPClientResponseDelegate {
    typealias Response = Void

    private struct State {
        var status: HTTPResponseStatus = .ok
        var errorBody: [UInt8] = []
        var received: Int64 = 0
    }

    private let expected: Int64
    private let operation: String
    private let write: @Sendable (ByteBuffer) -> EventLoopFuture<Void>
    private let state: NIOLoopBoundBox<State>

    init(expected: Int64, operation: String, eventLoop: any EventLoop, write: @escaping @Sendable (ByteBuffer) -> EventLoopFuture<Void>) {
        self.expected = expected
        self.operation = operation
        self.write = write
        self.state = .makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.value.status = head.status
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard state.value.status.code < 300 else {
            let room = S3Client.errorBodyLimit - state.value.errorBody.count
            state.value.errorBody += buffer.readableBytesView.prefix(max(0, room))
            return task.eventLoop.makeSucceededVoidFuture()
        }
        state.value.received += Int64(buffer.readableBytes)
        guard state.value.received <= expected else {
            return task.eventLoop.makeFailedFuture(S3Error.malformed(operation: operation, status: Int(state.value.status.code), "the bucket sent more than the range asked for"))
        }
        return write(buffer)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        let state = state.value
        guard state.status.code < 300 else {
            throw S3Client.error(status: state.status, body: state.errorBody, method: .GET, operation: operation)
        }
        guard state.received == expected else {
            throw S3Error.malformed(operation: operation, status: Int(state.status.code), "the bucket sent \(state.received) of \(expected) bytes")
        }
    }
}

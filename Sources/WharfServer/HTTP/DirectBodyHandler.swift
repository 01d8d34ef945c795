import Logging
import NIOCore
import Storage
import Synchronization

/// A response body the pipeline sends itself, in place of a token the responder writes.
enum DirectBody: Sendable {
    /// A stored blob's file region, sent with `sendfile(2)`; the handler owns its file handle.
    case file(FileRegion)
    /// A bucket object, read on this connection's event loop and written as it arrives.
    case relay(BlobRelayStart)
}

/// Sends stored blobs on plaintext HTTP/1.1 connections without passing their bytes through
/// Hummingbird's response writer: a local file with `sendfile(2)`, a bucket object relayed
/// from the bucket's connection on the same event loop.
///
/// The writer takes only ByteBuffers. A blob from a local file would be copied from the page
/// cache into memory and back into the socket (those two copies were 60% of the server's
/// samples under a warm-blob load); a blob from the bucket would cross two task switches per
/// piece of at most 64 KiB (AsyncHTTPClient's reads), from the HTTP client's body stream to
/// the handler's task and on to the writer (17% of the samples, and what held the warm
/// bucket-blob load back). Instead the responder queues the body here under a random 16-byte
/// token and writes the token as the body; this handler, nearest the socket but for the
/// connection's guard, swaps that exact write for the body. A relay reads the bucket on this
/// connection's event loop (``S3Client/relayObject(_:range:on:to:)``, up to 1 MiB a read). Under TLS the bytes must be encrypted in memory anyway, so TLS
/// pipelines have no such handler and the responder streams.
///
/// A relay's bytes arrive after the writer has moved on, so while one runs every later write
/// (the response's end, the next response) is held back and written, in order, when it ends.
/// A relay that fails closes the connection: its response was announced with a length it
/// can no longer meet.
final class DirectBodyHandler: ChannelOutboundHandler, RemovableChannelHandler, Sendable {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// A queued body and the token written in its place.
    private struct Pending {
        let token: [UInt8]
        let body: DirectBody
    }

    /// What the pipeline asked of the handler while a relay ran, replayed in order after it.
    private enum HeldBack {
        case write(NIOAny, EventLoopPromise<Void>?)
        case flush
        /// Hummingbird half-closes the output after a connection's last response, which must
        /// not cut the relay short.
        case close(CloseMode, EventLoopPromise<Void>?)
    }

    /// A relay under way, the promise of the token's write, and what is held back behind it.
    private struct Relaying {
        let promise: EventLoopPromise<Void>?
        var relay: BlobRelay?
        var heldBack: [HeldBack] = []
    }

    private let pending = Mutex<[Pending]>([])
    private let relayingBox: NIOLoopBoundBox<Relaying?>

    private let logger: Logger

    /// - Parameter eventLoop: the connection's.
    init(eventLoop: any EventLoop, logger: Logger) {
        relayingBox = .makeEmptyBox(eventLoop: eventLoop)
        self.logger = logger
    }

    /// The size of the slices a region is written in.
    static let sliceBytes = 256 * 1024

    /// Queues `body` and returns the token to write as the response body in its place.
    func enqueue(_ body: DirectBody) -> ByteBuffer {
        let token = (0..<16).map { _ in UInt8.random(in: 0...255) }
        pending.withLock { $0.append(Pending(token: token, body: body)) }
        return ByteBuffer(bytes: token)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if holdBack(.write(data, promise)) { return }
        guard case .byteBuffer(let buffer) = unwrapOutboundIn(data), buffer.readableBytes == 16,
            let pending = take(matching: buffer)
        else {
            context.write(data, promise: promise)
            return
        }
        switch pending.body {
        case .file(let region): send(region, context: context, promise: promise)
        case .relay(let start): relay(start, context: context, promise: promise)
        }
    }

    func flush(context: ChannelHandlerContext) {
        if !holdBack(.flush) { context.flush() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .input || !holdBack(.close(mode, promise)) { context.close(mode: mode, promise: promise) }
    }

    /// Queues `operation` behind the relay under way; false when none runs.
    private func holdBack(_ operation: HeldBack) -> Bool {
        guard relayingBox.value != nil else { return false }
        relayingBox.value?.heldBack.append(operation)
        return true
    }

    /// Writes `region` in slices, so that each one written is progress the connection's guard
    /// can see: a client reading a large blob slowly is never taken for one that stopped reading.
    private func send(_ region: FileRegion, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        var slices: [FileRegion] = []
        var start = region.readerIndex
        repeat {
            let end = min(start + Self.sliceBytes, region.endIndex)
            slices.append(FileRegion(fileHandle: region.fileHandle, readerIndex: start, endIndex: end))
            start = end
        } while start < region.endIndex
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { result in
            try? region.fileHandle.close()
            promise?.completeWith(result)
        }
        for slice in slices.dropLast() { context.write(wrapOutboundOut(.fileRegion(slice)), promise: nil) }
        // Writes complete in order and a failure fails every later one, so the last says for all.
        context.write(wrapOutboundOut(.fileRegion(slices[slices.count - 1])), promise: written)
    }

    /// Starts the relay: each piece is written and flushed as it arrives, the next read once the
    /// socket took it.
    private func relay(_ start: BlobRelayStart, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        relayingBox.value = Relaying(promise: promise)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let relay = start { [self] piece in
            let context = loopBound.value
            // After handlerRemoved the context is not to be used; the relay is being cancelled.
            guard relayingBox.value != nil else { return context.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
            return context.writeAndFlush(wrapOutboundOut(.byteBuffer(piece)))
        }
        relayingBox.value?.relay = relay
        relay.done.hop(to: context.eventLoop).whenComplete { [self] result in
            let context = loopBound.value
            // nil when the handler was removed first, which failed the writes itself.
            guard let ended = takeRelaying() else { return }
            ended.promise?.completeWith(result)
            if case .failure(let error) = result {
                // The store failing mid-blob is the operator's business; a client leaving is not.
                let level: Logger.Level = error is StoreError ? .warning : .debug
                logger.log(level: level, "a blob relayed from the store failed; the connection is closed", metadata: ["error": "\(error)"])
                let closed = context.eventLoop.makePromise(of: Void.self)
                for promise in Self.failWrites(in: ended.heldBack) { closed.futureResult.cascade(to: promise) }
                context.close(promise: closed)
                return
            }
            // In order, each through this handler again: a held-back write may itself be a token.
            for operation in ended.heldBack {
                switch operation {
                case .write(let data, let promise): self.write(context: context, data: data, promise: promise)
                case .flush: flush(context: context)
                case .close(let mode, let promise): self.close(context: context, mode: mode, promise: promise)
                }
            }
        }
    }

    /// Closes the files of regions whose token never came (the response failed before), and
    /// stops a relay whose connection went away.
    func handlerRemoved(context: ChannelHandlerContext) {
        for queued in pending.withLock({ queued in defer { queued = [] }; return queued }) {
            if case .file(let region) = queued.body { try? region.fileHandle.close() }
        }
        guard let ended = takeRelaying() else { return }
        ended.relay?.cancel()
        ended.promise?.fail(ChannelError.ioOnClosedChannel)
        for promise in Self.failWrites(in: ended.heldBack) { promise?.succeed() }
    }

    /// Fails the held-back writes (their connection is closing); returns the closes' promises.
    private static func failWrites(in heldBack: [HeldBack]) -> [EventLoopPromise<Void>?] {
        heldBack.compactMap { operation in
            switch operation {
            case .write(_, let promise):
                promise?.fail(ChannelError.ioOnClosedChannel)
                return nil
            case .flush: return nil
            case .close(_, let promise): return .some(promise)
            }
        }
    }

    private func takeRelaying() -> Relaying? {
        defer { relayingBox.value = nil }
        return relayingBox.value
    }

    private func take(matching buffer: ByteBuffer) -> Pending? {
        pending.withLock { queued in
            guard let index = queued.firstIndex(where: { buffer.readableBytesView.elementsEqual($0.token) }) else { return nil }
            return queued.remove(at: index)
        }
    }
}

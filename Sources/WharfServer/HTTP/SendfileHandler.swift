import NIOCore
import Synchronization

/// Sends stored blobs with `sendfile(2)` on plaintext HTTP/1.1 connections.
///
/// Hummingbird's response writer takes only ByteBuffers, so a blob from the store would be
/// copied from the page cache into memory and back into the socket; those two copies were 60%
/// of the server's samples under a warm-blob load. Instead the responder queues a file region
/// here under a random 16-byte token and writes the token as the body; this handler, nearest
/// the socket, swaps that exact write for the region. Under TLS the bytes must be encrypted in
/// memory anyway, so TLS pipelines have no such handler and the responder streams.
final class SendfileHandler: ChannelOutboundHandler, RemovableChannelHandler, Sendable {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// A queued region: the token written in its place, the file and the byte range.
    private struct Pending {
        let token: [UInt8]
        let file: NIOFileHandle
        let range: Range<Int64>
    }

    private let pending = Mutex<[Pending]>([])

    /// Queues `range` of `descriptor` (which the handler now owns and closes) and returns the
    /// token to write as the response body in its place.
    func enqueue(descriptor: CInt, range: Range<Int64>) -> ByteBuffer {
        let token = (0..<16).map { _ in UInt8.random(in: 0...255) }
        pending.withLock {
            $0.append(Pending(token: token, file: NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor), range: range))
        }
        return ByteBuffer(bytes: token)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .byteBuffer(let buffer) = unwrapOutboundIn(data), buffer.readableBytes == 16,
            let region = take(matching: buffer)
        else {
            context.write(data, promise: promise)
            return
        }
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { result in
            try? region.file.close()
            switch result {
            case .success: promise?.succeed()
            case .failure(let error): promise?.fail(error)
            }
        }
        let fileRegion = FileRegion(fileHandle: region.file, readerIndex: Int(region.range.lowerBound), endIndex: Int(region.range.upperBound))
        context.write(wrapOutboundOut(.fileRegion(fileRegion)), promise: written)
    }

    /// Closes the files of regions whose token never came (the response failed before).
    func handlerRemoved(context: ChannelHandlerContext) {
        for region in pending.withLock({ queued in defer { queued = [] }; return queued }) {
            try? region.file.close()
        }
    }

    private func take(matching buffer: ByteBuffer) -> Pending? {
        pending.withLock { queued in
            guard let index = queued.firstIndex(where: { buffer.readableBytesView.elementsEqual($0.token) }) else { return nil }
            return queued.remove(at: index)
        }
    }
}

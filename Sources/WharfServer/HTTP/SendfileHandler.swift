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

    /// A queued region and the token written in its place.
    private struct Pending {
        let token: [UInt8]
        let region: FileRegion
    }

    private let pending = Mutex<[Pending]>([])

    /// The size of the slices a region is written in.
    static let sliceBytes = 256 * 1024

    /// Queues `region` (whose file handle the handler now owns and closes) and returns the
    /// token to write as the response body in its place.
    func enqueue(_ region: FileRegion) -> ByteBuffer {
        let token = (0..<16).map { _ in UInt8.random(in: 0...255) }
        pending.withLock { $0.append(Pending(token: token, region: region)) }
        return ByteBuffer(bytes: token)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .byteBuffer(let buffer) = unwrapOutboundIn(data), buffer.readableBytes == 16,
            let pending = take(matching: buffer)
        else {
            context.write(data, promise: promise)
            return
        }
        // In slices, so that each one written is progress the connection's guard can see: a
        // client reading a large blob slowly is never taken for one that stopped reading.
        let region = pending.region
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
            switch result {
            case .success: promise?.succeed()
            case .failure(let error): promise?.fail(error)
            }
        }
        for slice in slices.dropLast() { context.write(wrapOutboundOut(.fileRegion(slice)), promise: nil) }
        // Writes complete in order and a failure fails every later one, so the last says for all.
        context.write(wrapOutboundOut(.fileRegion(slices[slices.count - 1])), promise: written)
    }

    /// Closes the files of regions whose token never came (the response failed before).
    func handlerRemoved(context: ChannelHandlerContext) {
        for queued in pending.withLock({ queued in defer { queued = [] }; return queued }) {
            try? queued.region.fileHandle.close()
        }
    }

    private func take(matching buffer: ByteBuffer) -> Pending? {
        pending.withLock { queued in
            guard let index = queued.firstIndex(where: { buffer.readableBytesView.elementsEqual($0.token) }) else { return nil }
            return queued.remove(at: index)
        }
    }
}

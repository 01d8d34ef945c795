import AsyncHTTPClient
import FileIO
import NIOCore
import S3

/// A stored blob in the bucket: one ranged GET per stream or relay, read as the client takes
/// it, so memory stays flat whatever the blob's size and however many clients read it.
struct S3BlobReader: BlobReader {
    let client: S3Client
    let key: String
    let size: Int64

    func read(at offset: Int64, length: Int) async throws -> ByteBuffer {
        let end = min(size, offset + Int64(length))
        guard offset < end else { return ByteBuffer() }
        var collected = ByteBuffer()
        try await stream(offset..<end, chunkSize: length) { chunk in
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return collected
    }

    func stream(_ range: Range<Int64>, chunkSize: Int, to write: (ByteBuffer) async throws -> Void) async throws {
        guard !range.isEmpty else { return }
        guard let object = try await client.streamObject(key, range: range) else {
            throw StoreError.io(description, "the object vanished before it was read")
        }
        var sent: Int64 = 0
        for try await chunk in object.body {
            sent += Int64(chunk.readableBytes)
            guard sent <= Int64(range.count) else { throw StoreError.io(description, "the bucket sent more than the range asked for") }
            try await write(chunk)
        }
        guard sent == Int64(range.count) else { throw StoreError.io(description, "the bucket sent \(sent) of \(range.count) bytes") }
    }

    var delivery: BlobDelivery { .relay }

    func relay(_ range: Range<Int64>, on eventLoop: any EventLoop) -> BlobRelayStart? {
        guard !range.isEmpty, range.upperBound <= size, client.canRelay(on: eventLoop) else { return nil }
        return { [client, key, description] write in
            let relay = client.relayObject(key, range: range, on: eventLoop, to: write)
            // The bucket's failures become the store's; the writer's own pass as they are.
            let done = relay.done.flatMapErrorThrowing { error in
                guard let failure = error as? S3Error else { throw error }
                throw StoreError.io(description, "\(failure)")
            }
            return BlobRelay(done: done, cancel: relay.cancel)
        }
    }

    var description: String { "s3:\(key)" }
}

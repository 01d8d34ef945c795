import FileIO
import Foundation
import NIOCore
import Registry
import S3

/// Streams one blob into the bucket while hashing it.
///
/// Bytes go to a local spool file (unlinked at once; followers read it) and, every
/// `chunksize` bytes, as a part of a multipart upload created for the digest's own key. A
/// blob smaller than one part is sent with one PUT at the commit. The upload is completed
/// only when the digest (and the announced size) match; otherwise it is aborted, so the key
/// never shows anything but verified content. Memory holds at most `partsInFlight` parts.
final class S3BlobUpload: BlobUpload {
    let expected: Digest
    private(set) var bytesWritten: Int64 = 0

    private let client: S3Client
    private let key: String
    private let chunkSize: Int
    private let partsInFlight: Int
    private let writer: PosixFile
    private let spool: PosixFile
    private var hasher: ContentHasher
    private var uploadID: String?
    private var partStart: Int64 = 0
    private var nextPartNumber = 1
    private var finished: [S3UploadedPart] = []
    /// Parts being sent while the download goes on. Each task belongs to this upload and is
    /// awaited (or cancelled and awaited) before commit or abandon returns, so none outlives it.
    private var sending: [Task<S3UploadedPart, any Error>] = []

    init(store: S3Store, expected: Digest) async throws {
        self.expected = expected
        self.client = store.client
        self.key = store.layout.blob(expected)
        self.chunkSize = max(store.client.settings.chunkSize, S3Settings.minimumChunkSize)
        self.partsInFlight = store.partsInFlight
        self.hasher = ContentHasher(expected.algorithm)
        let path = store.spoolFolder + "/" + UUID().uuidString.lowercased()
        self.writer = try await PosixFile.create(path, mode: 0o600)
        guard let spool = try await PosixFile.openForReading(path) else { throw StoreError.io(path, "the spool file vanished") }
        self.spool = spool
        // Both descriptors stay valid; the name goes, so a crash leaves nothing on disk.
        try await PosixFile.remove(path)
    }

    func append(_ buffer: ByteBuffer) async throws {
        hasher.update(buffer)
        try await writer.write(buffer, at: bytesWritten)
        bytesWritten += Int64(buffer.readableBytes)
        while bytesWritten - partStart >= Int64(chunkSize) {
            try await sendPart(length: chunkSize)
        }
    }

    func commit(expectedSize: Int64?) async throws {
        if let failure = StoreError.verification(of: hasher.finalize(), expected: expected, size: bytesWritten, expectedSize: expectedSize) {
            await abandon()
            throw failure
        }
        do {
            if uploadID == nil {
                try await putWhole()
                return
            }
            if bytesWritten > partStart { try await sendPart(length: Int(bytesWritten - partStart)) }
            for task in sending { finished.append(try await task.value) }
            sending = []
            try await client.completeMultipartUpload(key, uploadID: uploadID!, parts: finished)
        } catch {
            await abandon()
            throw error
        }
    }

    func abandon() async {
        for task in sending { task.cancel() }
        for task in sending { _ = try? await task.value }
        sending = []
        if let uploadID {
            try? await client.abortMultipartUpload(key, uploadID: uploadID)
            self.uploadID = nil
        }
    }

    func openFollower() async throws -> any BlobReader {
        // The spool file, read as it grows; its followers read it by offset, never as a region.
        FileBlobReader(file: spool)
    }

    /// A blob smaller than one part: one PUT of the verified bytes. Losing the conditional
    /// create means another instance stored the same verified content first.
    private func putWhole() async throws {
        let whole = try await spool.read(at: 0, length: Int(bytesWritten))
        do {
            try await client.putObject(key, buffer: whole, ifAbsent: true)
        } catch where error.isPreconditionFailed {
            // Another instance stored the same verified content first.
        }
    }

    /// Starts sending the next `length` bytes as a part, after waiting for room.
    private func sendPart(length: Int) async throws {
        if uploadID == nil { uploadID = try await client.createMultipartUpload(key) }
        while sending.count >= partsInFlight {
            finished.append(try await sending.removeFirst().value)
        }
        let buffer = try await spool.read(at: partStart, length: length)
        let (client, key, uploadID, number) = (client, key, uploadID!, nextPartNumber)
        sending.append(Task { try await client.uploadPart(key, uploadID: uploadID, number: number, buffer: buffer) })
        partStart += Int64(length)
        nextPartNumber += 1
    }
}

import FileIO
import NIOCore
import NIOFileSystem
import Registry

/// Writes one blob to a temp file in `tmp/` while hashing it, and renames it to its digest
/// only when the hash matches.
final class FileBlobUpload: BlobUpload {
    let expected: Digest
    private(set) var bytesWritten: Int64 = 0

    private let store: FilesystemStore
    private let temporaryPath: FilePath
    private let file: PosixFile
    private var hasher: ContentHasher

    init(store: FilesystemStore, expected: Digest) async throws {
        self.store = store
        self.expected = expected
        self.temporaryPath = store.temporaryPath()
        self.hasher = ContentHasher(expected.algorithm)
        self.file = try await PosixFile.create(temporaryPath.string)
    }

    func append(_ buffer: ByteBuffer) async throws {
        hasher.update(buffer)
        try await file.write(buffer, at: bytesWritten)
        bytesWritten += Int64(buffer.readableBytes)
    }

    func commit(expectedSize: Int64?) async throws {
        if let failure = StoreError.verification(of: hasher.finalize(), expected: expected, size: bytesWritten, expectedSize: expectedSize) {
            await abandon()
            throw failure
        }
        do {
            try await file.synchronize()
            try await AtomicFile.moveIntoPlace(temporaryPath.string, to: store.layout.blob(expected).string)
        } catch {
            await abandon()
            throw error
        }
    }

    func abandon() async {
        _ = try? await store.fileSystem.removeItem(at: temporaryPath, strategy: .platformDefault, recursively: false)
    }

    func openFollower() async throws -> any BlobReader {
        // A descriptor of its own: it stays valid across the rename into the store.
        guard let reader = try await FileBlobReader.open(temporaryPath.string) else {
            throw StoreError.io(temporaryPath.string, "the download's file vanished")
        }
        return reader
    }
}

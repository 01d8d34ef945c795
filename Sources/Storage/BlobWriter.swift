import NIOCore
import NIOFileSystem
import Registry

/// Writes one blob to a temp file while hashing it, and stores it under its digest only
/// when the hash matches.
///
/// Other readers may open ``temporaryPath`` and follow the bytes as they arrive; a file
/// they opened stays readable after ``commit(expectedSize:)`` renames it.
public final class BlobWriter {
    /// The digest the content must hash to.
    public let expected: Digest
    /// The file being written.
    public let temporaryPath: FilePath
    /// Bytes written so far.
    public private(set) var bytesWritten: Int64 = 0

    private let store: FilesystemStore
    private let file: PosixFile
    private var hasher: ContentHasher

    init(store: FilesystemStore, expected: Digest) async throws {
        self.store = store
        self.expected = expected
        self.temporaryPath = store.temporaryPath()
        self.hasher = ContentHasher(expected.algorithm)
        self.file = try await PosixFile.create(temporaryPath.string)
    }

    /// Appends a chunk to the file and the hash.
    public func append(_ buffer: ByteBuffer) async throws {
        hasher.update(buffer)
        try await file.write(buffer, at: bytesWritten)
        bytesWritten += Int64(buffer.readableBytes)
    }

    /// Verifies the hash (and the announced size), syncs and renames into the store.
    /// - Throws: ``StoreError`` on a mismatch, after removing the temp file.
    public func commit(expectedSize: Int64?) async throws {
        let actual = hasher.finalize()
        if let expectedSize, expectedSize != bytesWritten {
            await abandon()
            throw StoreError.sizeMismatch(expected: expectedSize, actual: bytesWritten)
        }
        guard actual == expected else {
            await abandon()
            throw StoreError.digestMismatch(expected: expected.description, actual: actual.description)
        }
        do {
            try await file.synchronize()
            try store.rename(temporaryPath, over: store.layout.blob(expected))
        } catch {
            await abandon()
            throw error
        }
    }

    /// Removes the temp file; nothing is stored.
    public func abandon() async {
        _ = try? await FileSystem.shared.removeItem(at: temporaryPath, strategy: .platformDefault, recursively: false)
    }
}

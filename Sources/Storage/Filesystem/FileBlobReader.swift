import FileIO
import NIOCore

/// A blob file opened for reading. The descriptor stays valid when the file is renamed or
/// removed meanwhile.
struct FileBlobReader: BlobReader {
    let file: PosixFile

    /// Opens `path`; `nil` when it does not exist.
    static func open(_ path: String) async throws -> FileBlobReader? {
        try await PosixFile.openForReading(path).map(FileBlobReader.init(file:))
    }

    func read(at offset: Int64, length: Int) async throws -> ByteBuffer {
        try await file.read(at: offset, length: length)
    }

    var delivery: BlobDelivery { .fileRegion }

    func fileRegion(_ range: Range<Int64>) throws -> FileRegion? {
        let handle = try file.duplicateHandle()
        return FileRegion(fileHandle: handle, readerIndex: Int(range.lowerBound), endIndex: Int(range.upperBound))
    }

    var description: String { file.path }
}

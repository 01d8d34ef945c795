import NIOCore

/// A file opened for reading, with its size at opening.
///
/// The descriptor stays valid when the file is renamed or removed meanwhile, so a response
/// that has opened a blob completes even if eviction removes it.
public struct OpenedFile: Sendable {
    /// The open file; closed when released.
    public let file: PosixFile
    /// The file's size when it was opened.
    public let size: Int64

    /// Opens `path`; `nil` when it does not exist.
    public static func open(_ path: String) async throws -> OpenedFile? {
        guard let file = try await PosixFile.openForReading(path) else { return nil }
        return OpenedFile(file: file, size: try await file.size())
    }

    /// Reads up to `length` bytes at `offset`.
    public func read(at offset: Int64, length: Int) async throws -> ByteBuffer {
        try await file.read(at: offset, length: length)
    }

    /// Streams `range` (the whole file by default) in chunks to `write`.
    public func stream(range: Range<Int64>? = nil, chunkSize: Int, to write: (ByteBuffer) async throws -> Void) async throws {
        var offset = range?.lowerBound ?? 0
        let end = range?.upperBound ?? size
        while offset < end {
            let buffer = try await read(at: offset, length: Int(min(Int64(chunkSize), end - offset)))
            guard buffer.readableBytes > 0 else { throw StoreError.io(file.path, "file shrank while being read") }
            offset += Int64(buffer.readableBytes)
            try await write(buffer)
        }
    }
}


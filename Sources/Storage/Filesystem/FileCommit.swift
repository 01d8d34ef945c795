import Foundation
import NIOFileSystem
import NIOPosix

/// Runs blocking file calls on NIO's thread pool, never on an event loop or a cooperative thread.
enum BlockingIO {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}

extension FilesystemStore {
    /// `rename(2)` of a synced temp file over `destination`, then an fsync of the folder, so
    /// the new name survives a crash.
    func commitRename(_ source: FilePath, to destination: FilePath) async throws {
        let from = source.string
        let to = destination.string
        let folder = destination.removingLastComponent().string
        try await BlockingIO.run {
            guard Foundation.rename(from, to) == 0 else {
                throw StoreError.io(to, POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
            }
            let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else { throw StoreError.io(folder, POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)) }
            defer { close(descriptor) }
            guard fsync(descriptor) == 0 else { throw StoreError.io(folder, POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)) }
        }
    }
}

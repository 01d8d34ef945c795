import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small files of the state folder, written so a reader sees the old file or the whole new
/// one, never a part: temporary file in the same folder, fsync, rename, fsync of the folder.
/// Blocking: call through ``BlockingIO``.
enum AtomicFile {
    /// Writes `bytes` to `path` with permission bits `mode`.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws(ACMEError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        var template = Array("\(folder)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw .storage(folder, reason: "cannot create a temporary file (\(lastError()))")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var isOpen = true
        do throws(ACMEError) {
            guard fchmod(descriptor, mode) == 0 else { throw .storage(temporary, reason: "chmod: \(lastError())") }
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { systemWrite(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw .storage(temporary, reason: "write: \(lastError())")
                }
                written += count
            }
            guard fsync(descriptor) == 0 else { throw .storage(temporary, reason: "fsync: \(lastError())") }
            isOpen = false
            guard close(descriptor) == 0 else { throw .storage(temporary, reason: "close: \(lastError())") }
            guard rename(temporary, path) == 0 else { throw .storage(path, reason: "rename: \(lastError())") }
        } catch {
            if isOpen {
                close(descriptor)
            }
            unlink(temporary)
            throw error
        }
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// The file's bytes, or nil when it does not exist.
    static func read(_ path: String) throws(ACMEError) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: path) else {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            throw .storage(path, reason: "it exists but cannot be read (\(lastError()))")
        }
        return Array(data)
    }

    /// Removes the file; a missing file is fine.
    static func remove(_ path: String) throws(ACMEError) {
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .storage(path, reason: "cannot remove it (\(lastError()))")
        }
    }

    /// Creates `path` (and missing parents) with mode 0700, and narrows an existing folder to 0700.
    static func makePrivateFolder(_ path: String) throws(ACMEError) {
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: path,
                    withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700]
                )
            } catch {
                throw .storage(path, reason: "cannot create the folder (\(error.localizedDescription))")
            }
        } else if !isFolder.boolValue {
            throw .storage(path, reason: "it is a file, not a folder")
        }
        guard chmod(path, 0o700) == 0 else {
            throw .storage(path, reason: "cannot set mode 0700 (\(lastError()))")
        }
    }

    private static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, buffer, count)
        #elseif canImport(Musl)
        Musl.write(descriptor, buffer, count)
        #else
        Darwin.write(descriptor, buffer, count)
        #endif
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

import FileIO
import Foundation
import NIOFileSystem
import Registry

extension FilesystemStore {
    /// The last use of an object is its file's modification time (see ``UsageRecorder``).
    public func recordUse(of object: StoredObject.Key) async {
        await usage.recordUse(of: path(of: object).string)
    }

    public func listObjects() async throws -> [StoredObject] {
        let layout = layout
        return await BlockingIO.run {
            var objects: [StoredObject] = []
            for kind in StoredObject.Key.Kind.allCases {
                for algorithm in Digest.Algorithm.allCases {
                    let directory = layout.folder(of: kind).appending(algorithm.rawValue).string
                    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
                    for name in names {
                        var info = stat()
                        guard let digest = try? Digest(parsing: "\(algorithm.rawValue):\(name)"),
                            stat(directory + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG
                        else { continue }
                        objects.append(StoredObject(key: .init(kind, digest), size: Int64(info.st_size), lastUse: TimeInterval(info.st_mtim.tv_sec)))
                    }
                }
            }
            return objects
        }
    }

    @discardableResult
    public func remove(_ object: StoredObject.Key) async throws -> Bool {
        let path = path(of: object).string
        return try await BlockingIO.run {
            if unlink(path) == 0 { return true }
            if errno == ENOENT { return false }
            throw StoreError.io(path, POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
        }
    }

    /// Where an object's file is.
    public func path(of object: StoredObject.Key) -> FilePath {
        switch object.kind {
        case .blob: layout.blob(object.digest)
        case .manifest: layout.manifest(object.digest)
        }
    }
}

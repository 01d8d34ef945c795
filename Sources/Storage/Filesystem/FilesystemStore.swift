import FileIO
import Foundation
import NIOFileSystem
import Registry

/// The content-addressed cache in a local folder.
///
/// Blobs and manifests are stored under their verified digest; nothing half-written is
/// ever visible under a final name (temp file, fsync, rename, fsync of the folder).
/// ``prepare()`` removes what an interrupted run left in `tmp/`.
public struct FilesystemStore: ContentStore {
    /// Where each object lives.
    public let layout: StoreLayout
    let fileSystem: FileSystem
    let usage: UsageRecorder

    /// - Parameter useGranularity: how often, at most, a hit refreshes an object's last-use time.
    public init(root: FilePath, fileSystem: FileSystem = .shared, useGranularity: TimeInterval = 3600) {
        self.layout = StoreLayout(root: root)
        self.fileSystem = fileSystem
        self.usage = UsageRecorder(granularity: useGranularity)
    }

    public var location: String { layout.root.string }

    @discardableResult
    public func prepare() async throws -> Int {
        let removed = try await fileSystem.removeItem(at: layout.temporaryFolder, strategy: .platformDefault, recursively: true)
        for folder in [layout.blobsFolder, layout.manifestsFolder, layout.repositoriesFolder, layout.temporaryFolder] {
            try await createFolder(folder)
        }
        for algorithm in Digest.Algorithm.allCases {
            try await createFolder(layout.blobsFolder.appending(algorithm.rawValue))
            try await createFolder(layout.manifestsFolder.appending(algorithm.rawValue))
        }
        return max(0, removed - 1)
    }

    public func readinessProblem() async -> String? {
        let folder = layout.temporaryFolder.string
        let writable = await BlockingIO.run { access(folder, W_OK) == 0 }
        return writable ? nil : "the store \(location) is not writable"
    }

    // MARK: Blobs

    public func blobSize(_ digest: Digest) async throws -> Int64? {
        try await fileSystem.info(forFileAt: layout.blob(digest))?.size
    }

    public func openBlob(_ digest: Digest) async throws -> StoredBlob? {
        guard let file = try await FileBlobReader.open(layout.blob(digest).string) else { return nil }
        return StoredBlob(size: try await file.file.size(), reader: file)
    }

    public func beginUpload(of digest: Digest) async throws -> any BlobUpload {
        try await FileBlobUpload(store: self, expected: digest)
    }

    // MARK: Helpers

    func createFolder(_ path: FilePath) async throws {
        do {
            try await fileSystem.createDirectory(at: path, withIntermediateDirectories: true, permissions: nil)
        } catch let error as FileSystemError where error.code == .fileAlreadyExists {
            return
        }
    }

    /// A fresh path in `tmp/` for an object being written.
    func temporaryPath() -> FilePath {
        layout.temporaryFolder.appending(UUID().uuidString.lowercased())
    }
}

/// Size limits that keep a hostile upstream from exhausting memory.
public enum ManifestLimits {
    /// The largest manifest Wharf accepts, as distribution's limit (4 MiB).
    public static let maximumBytes = 4 * 1024 * 1024
}

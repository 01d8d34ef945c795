import Foundation
import Logging
import NIOCore
import NIOFileSystem
import Registry

/// The content-addressed cache on a local file system.
///
/// Blobs and manifests are stored under their verified digest; nothing half-written is
/// ever visible under a final name (temp file, fsync, rename). ``prepare()`` removes what
/// an interrupted run left in `tmp/`.
public struct FilesystemStore: Sendable {
    /// Where each object lives.
    public let layout: StoreLayout
    private let fileSystem: FileSystem
    private let usage: UsageRecorder

    /// - Parameter useGranularity: how often, at most, a hit refreshes an object's last-use time.
    public init(root: FilePath, fileSystem: FileSystem = .shared, useGranularity: TimeInterval = 3600) {
        self.layout = StoreLayout(root: root)
        self.fileSystem = fileSystem
        self.usage = UsageRecorder(granularity: useGranularity)
    }

    /// Notes that a blob was served, for eviction by last use.
    public func recordUse(of digest: Digest) async {
        await usage.recordUse(of: layout.blob(digest).string)
    }

    /// Notes that a manifest was served.
    public func recordManifestUse(of digest: Digest) async {
        await usage.recordUse(of: layout.manifest(digest).string)
    }

    /// Creates the folders and removes leftovers of interrupted downloads.
    /// - Returns: the number of leftover files removed.
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

    // MARK: Blobs

    /// The size of a stored blob, or `nil` when it is not stored.
    public func blobSize(_ digest: Digest) async throws -> Int64? {
        try await fileSystem.info(forFileAt: layout.blob(digest))?.size
    }

    /// Opens a stored blob for reading; the caller closes the handle.
    /// - Returns: `nil` when the blob is not stored.
    public func openBlob(_ digest: Digest) async throws -> OpenedFile? {
        try await OpenedFile.open(layout.blob(digest).string)
    }

    /// Starts writing a blob that will be stored under its digest once verified.
    public func makeBlobWriter(expecting digest: Digest) async throws -> BlobWriter {
        try await BlobWriter(store: self, expected: digest)
    }

    // MARK: Manifests

    /// A stored manifest, or `nil`.
    public func manifest(_ digest: Digest) async throws -> StoredManifest? {
        let path = layout.manifest(digest)
        let contents: [UInt8]
        do {
            contents = try await Array(contentsOf: path, maximumSizeAllowed: .bytes(Int64(ManifestLimits.maximumBytes + 512)), fileSystem: fileSystem)
        } catch let error as FileSystemError where error.code == .notFound {
            return nil
        }
        guard let newline = contents.firstIndex(of: UInt8(ascii: "\n")) else {
            throw StoreError.corruptRecord(path.string, "no media type line")
        }
        let bytes = Array(contents[(newline + 1)...])
        guard ContentHasher.digest(of: bytes, algorithm: digest.algorithm) == digest else {
            throw StoreError.corruptRecord(path.string, "content does not match its digest")
        }
        return StoredManifest(mediaType: String(decoding: contents[..<newline], as: UTF8.self), bytes: bytes, digest: digest)
    }

    /// Stores a manifest whose digest the caller verified.
    public func putManifest(_ manifest: StoredManifest) async throws {
        var contents = Array(manifest.mediaType.utf8)
        contents.append(UInt8(ascii: "\n"))
        contents.append(contentsOf: manifest.bytes)
        try await writeAtomically(contents, to: layout.manifest(manifest.digest))
    }

    // MARK: Tags

    /// The record of a tag, or `nil` when the tag was never fetched.
    public func tag(_ tag: Tag, in name: RepositoryName, upstream: UpstreamKey) async throws -> TagRecord? {
        let path = layout.tag(upstream, name, tag)
        let contents: [UInt8]
        do {
            contents = try await Array(contentsOf: path, maximumSizeAllowed: .kibibytes(64), fileSystem: fileSystem)
        } catch let error as FileSystemError where error.code == .notFound {
            return nil
        }
        do {
            return try JSONDecoder().decode(TagRecord.self, from: Data(contents))
        } catch {
            throw StoreError.corruptRecord(path.string, "tag record is not valid JSON")
        }
    }

    /// Records what a tag points at.
    public func putTag(_ tag: Tag, in name: RepositoryName, upstream: UpstreamKey, record: TagRecord) async throws {
        let folder = layout.tagsFolder(upstream, name)
        try await createFolder(folder)
        let encoded = try JSONEncoder().encode(record)
        try await writeAtomically(Array(encoded), to: folder.appending(tag.value))
    }

    /// The tags recorded for a repository, sorted.
    public func tags(in name: RepositoryName, upstream: UpstreamKey) async throws -> [String]? {
        let folder = layout.tagsFolder(upstream, name)
        guard try await fileSystem.info(forFileAt: folder) != nil else { return nil }
        var names: [String] = []
        try await fileSystem.withDirectoryHandle(atPath: folder) { directory in
            for try await entry in directory.listContents() where entry.type == .regular {
                names.append(entry.name.string)
            }
        }
        return names.sorted()
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

    /// Writes `bytes` to a temp file, syncs it and renames it over `destination`.
    func writeAtomically(_ bytes: [UInt8], to destination: FilePath) async throws {
        let temporary = temporaryPath()
        do {
            try await fileSystem.withFileHandle(
                forWritingAt: temporary,
                options: .newFile(replaceExisting: false)
            ) { handle in
                _ = try await handle.write(contentsOf: bytes, toAbsoluteOffset: 0)
                try await handle.synchronize()
            }
            try rename(temporary, over: destination)
        } catch {
            _ = try? await fileSystem.removeItem(at: temporary, strategy: .platformDefault, recursively: false)
            throw error
        }
    }

    /// `rename(2)`: atomic, and replaces an existing file of the same name.
    func rename(_ source: FilePath, over destination: FilePath) throws {
        guard Foundation.rename(source.string, destination.string) == 0 else {
            let code = errno
            throw StoreError.io(destination.string, POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO))
        }
    }
}

/// Size limits that keep a hostile upstream from exhausting memory.
public enum ManifestLimits {
    /// The largest manifest Wharf accepts, as distribution's limit (4 MiB).
    public static let maximumBytes = 4 * 1024 * 1024
}

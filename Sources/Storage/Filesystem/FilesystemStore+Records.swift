import FileIO
import Foundation
import NIOCore
import NIOFileSystem
import Registry

extension FilesystemStore {
    // MARK: Manifests

    /// Manifests are stored as `"<media type>\n" + bytes`. A read from disk checks the bytes
    /// against the digest (a few KiB, and hits are answered from the cache's memory, so this
    /// runs once per manifest and process), so a file altered on disk is never served.
    public func manifest(_ digest: Digest) async throws -> StoredManifest? {
        let path = layout.manifest(digest)
        guard let contents = try await readIfPresent(path, limit: ManifestLimits.maximumBytes + 512) else { return nil }
        guard let newline = contents.firstIndex(of: UInt8(ascii: "\n")) else {
            throw StoreError.corruptRecord(path.string, "no media type line")
        }
        let bytes = Array(contents[(newline + 1)...])
        guard ContentHasher.digest(of: bytes, algorithm: digest.algorithm) == digest else {
            throw StoreError.corruptRecord(path.string, "content does not match its digest")
        }
        return StoredManifest(mediaType: String(decoding: contents[..<newline], as: UTF8.self), bytes: bytes, digest: digest)
    }

    public func putManifest(_ manifest: StoredManifest) async throws {
        var contents = Array(manifest.mediaType.utf8)
        contents.append(UInt8(ascii: "\n"))
        contents.append(contentsOf: manifest.bytes)
        try await writeAtomically(contents, to: layout.manifest(manifest.digest))
    }

    // MARK: Tags

    public func tag(_ tag: Tag, in name: RepositoryName, upstream: UpstreamKey) async throws -> TagRecord? {
        let path = layout.tag(upstream, name, tag)
        guard let contents = try await readIfPresent(path, limit: 64 * 1024) else { return nil }
        do {
            return try JSONDecoder().decode(TagRecord.self, from: Data(contents))
        } catch {
            throw StoreError.corruptRecord(path.string, "tag record is not valid JSON")
        }
    }

    public func putTag(_ tag: Tag, in name: RepositoryName, upstream: UpstreamKey, record: TagRecord) async throws {
        let folder = layout.tagsFolder(upstream, name)
        try await createFolder(folder)
        try await writeAtomically(Array(try JSONEncoder().encode(record)), to: folder.appending(tag.value))
    }

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

    private func readIfPresent(_ path: FilePath, limit: Int) async throws -> [UInt8]? {
        do {
            return try await Array(contentsOf: path, maximumSizeAllowed: .bytes(Int64(limit)), fileSystem: fileSystem)
        } catch let error as FileSystemError where error.code == .notFound {
            return nil
        }
    }

    /// Writes `bytes` to a file in `tmp/` (emptied at start, so a crash leaves nothing
    /// elsewhere), flushes it and moves it over `destination`.
    func writeAtomically(_ bytes: [UInt8], to destination: FilePath) async throws {
        let temporary = temporaryPath().string
        do {
            let file = try await PosixFile.create(temporary)
            try await file.write(ByteBuffer(bytes: bytes), at: 0)
            try await file.synchronize()
            try await AtomicFile.moveIntoPlace(temporary, to: destination.string)
        } catch {
            try? await PosixFile.remove(temporary)
            throw error
        }
    }
}

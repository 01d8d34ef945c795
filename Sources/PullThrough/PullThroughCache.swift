import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Registry
import Storage
import Upstream

/// The cache policy: answer from the store when possible, fetch upstream once when not,
/// and store only what was verified.
public final class PullThroughCache: Sendable {
    let store: FilesystemStore
    let downloads: DownloadService
    let logger: Logger
    private let blobDownloads = DownloadRegistry()
    private let manifestFetches = SingleFlight<String, StoredManifest>()
    private let tagChecks = SingleFlight<String, TagCheck>()

    public init(store: FilesystemStore, downloads: DownloadService, logger: Logger) {
        self.store = store
        self.downloads = downloads
        self.logger = logger
    }

    // MARK: Manifests

    /// A manifest by tag or digest, for GET (`headOnly: false`) or HEAD.
    public func manifest(
        _ name: RepositoryName,
        _ reference: Reference,
        accept: AcceptHeader,
        headOnly: Bool,
        from upstream: UpstreamTarget
    ) async throws(RegistryError) -> ManifestAnswer {
        switch reference {
        case .digest(let digest):
            if let cached = try await cachedManifest(digest) { return ManifestAnswer(cached, fromCache: true) }
            return ManifestAnswer(try await fetchManifest(name, .digest(digest), accept: accept, from: upstream), fromCache: false)
        case .tag(let tag):
            return try await manifest(name, tag: tag, accept: accept, headOnly: headOnly, from: upstream)
        }
    }

    /// A tag: asked upstream with a HEAD; a known digest is answered from the cache.
    private func manifest(
        _ name: RepositoryName,
        tag: Tag,
        accept: AcceptHeader,
        headOnly: Bool,
        from upstream: UpstreamTarget
    ) async throws(RegistryError) -> ManifestAnswer {
        let check: TagCheck
        do {
            check = try await checkTag(name, tag, accept: accept, from: upstream)
        } catch let error as UpstreamError {
            if let stale = try await staleTag(name, tag, accept: accept, upstream: upstream, error: error) { return stale }
            throw error.registryError(notFound: .manifestUnknown)
        } catch {
            throw Self.registryError(error)
        }
        if let digest = check.digest, let cached = try await cachedManifest(digest), accept.accepts(cached.mediaType) {
            try await recordTag(name, tag, cached, upstream: upstream)
            return ManifestAnswer(cached, fromCache: true)
        }
        if headOnly, let digest = check.digest, let size = check.size, !check.mediaType.isEmpty {
            return ManifestAnswer(headOnly: check.mediaType, digest: digest, size: size)
        }
        let fetched = try await fetchManifest(name, .tag(tag), accept: accept, from: upstream)
        try await recordTag(name, tag, fetched, upstream: upstream)
        return ManifestAnswer(fetched, fromCache: false)
    }

    struct TagCheck: Sendable {
        let digest: Digest?
        let mediaType: String
        let size: Int64?
    }

    private func checkTag(
        _ name: RepositoryName,
        _ tag: Tag,
        accept: AcceptHeader,
        from upstream: UpstreamTarget
    ) async throws -> TagCheck {
        let key = "\(upstream.key)/\(name):\(tag)|\(accept.upstreamValue)"
        return try await tagChecks.run(key) {
            let head = try await upstream.client.manifest(name, .tag(tag), accept: accept.upstreamValue, headOnly: true)
            return TagCheck(digest: head.digest, mediaType: head.contentType, size: head.contentLength)
        }
    }

    /// The last known manifest of a tag, when the upstream cannot be asked.
    private func staleTag(
        _ name: RepositoryName,
        _ tag: Tag,
        accept: AcceptHeader,
        upstream: UpstreamTarget,
        error: UpstreamError
    ) async throws(RegistryError) -> ManifestAnswer? {
        guard error.kind != .notFound, error.kind != .unauthorized else { return nil }
        let key = upstream.client.configuration.upstreamName(name)
        guard let record = try? await store.tag(tag, in: key, upstream: upstream.key),
            let digest = try? Digest(parsing: record.digest),
            let cached = try await cachedManifest(digest), accept.accepts(cached.mediaType)
        else { return nil }
        logger.warning(
            "serving cached tag while the upstream fails",
            metadata: ["repository": "\(name)", "tag": "\(tag)", "digest": "\(digest)", "error": "\(error)"]
        )
        return ManifestAnswer(cached, fromCache: true)
    }

    private func cachedManifest(_ digest: Digest) async throws(RegistryError) -> StoredManifest? {
        do {
            return try await store.manifest(digest)
        } catch {
            logger.error("stored manifest unreadable; fetching again", metadata: ["digest": "\(digest)", "error": "\(error)"])
            return nil
        }
    }

    private func fetchManifest(
        _ name: RepositoryName,
        _ reference: Reference,
        accept: AcceptHeader,
        from upstream: UpstreamTarget
    ) async throws(RegistryError) -> StoredManifest {
        let key = "\(upstream.key)/\(name)@\(reference)|\(accept.upstreamValue)"
        do {
            return try await manifestFetches.run(key) {
                try await self.fetchAndStoreManifest(name, reference, accept: accept, from: upstream)
            }
        } catch {
            throw Self.registryError(error)
        }
    }

    private func fetchAndStoreManifest(
        _ name: RepositoryName,
        _ reference: Reference,
        accept: AcceptHeader,
        from upstream: UpstreamTarget
    ) async throws -> StoredManifest {
        // By digest, the content is fixed: ask for every type so no registry refuses it.
        let acceptValue = if case .digest = reference { MediaType.defaultManifestAccept } else { accept.upstreamValue }
        let fetched = try await upstream.client.manifest(name, reference, accept: acceptValue, headOnly: false)
        let algorithm: Digest.Algorithm =
            if case .digest(let wanted) = reference { wanted.algorithm } else { fetched.digest?.algorithm ?? .sha256 }
        let actual = ContentHasher.digest(of: fetched.bytes, algorithm: algorithm)
        let expected: Digest? = if case .digest(let wanted) = reference { wanted } else { fetched.digest }
        if let expected, expected != actual {
            logger.error(
                "upstream manifest failed verification; nothing stored",
                metadata: ["repository": "\(name)", "reference": "\(reference)", "expected": "\(expected)", "actual": "\(actual)"]
            )
            throw RegistryError(.badGateway, "upstream sent a manifest that hashes to \(actual), not \(expected)")
        }
        let manifest = StoredManifest(
            mediaType: Self.mediaType(contentType: fetched.contentType, bytes: fetched.bytes),
            bytes: fetched.bytes,
            digest: actual
        )
        try await store.putManifest(manifest)
        return manifest
    }

    private func recordTag(_ name: RepositoryName, _ tag: Tag, _ manifest: StoredManifest, upstream: UpstreamTarget) async throws(RegistryError) {
        let record = TagRecord(digest: manifest.digest, mediaType: manifest.mediaType, checkedAt: Date().timeIntervalSince1970)
        do {
            try await store.putTag(tag, in: upstream.client.configuration.upstreamName(name), upstream: upstream.key, record: record)
        } catch {
            logger.error("could not record tag", metadata: ["repository": "\(name)", "tag": "\(tag)", "error": "\(error)"])
        }
    }

    /// The media type to store: the upstream's when it names a manifest type, else what the document declares.
    static func mediaType(contentType: String, bytes: [UInt8]) -> String {
        let declared = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if MediaType.allManifestTypes.contains(declared) { return declared }
        return ManifestDocument.mediaType(of: bytes) ?? (declared.isEmpty ? "application/json" : declared)
    }

    // MARK: Blobs

    /// A blob from the store, or from the one upstream download of it.
    public func blob(_ name: RepositoryName, _ digest: Digest, from upstream: UpstreamTarget) async throws(RegistryError) -> BlobSource {
        if let file = try await openStoredBlob(digest) { return .stored(file) }
        let (download, isNew) = await blobDownloads.join(digest)
        if isNew {
            let scheduled = downloads.enqueue { [self] in
                await self.download(download, name: name, from: upstream)
                await self.blobDownloads.finished(digest)
            }
            if !scheduled {
                download.failed(RegistryError(.upstreamUnavailable, "Wharf is shutting down"))
                await blobDownloads.finished(digest)
            }
        }
        // Wait until the upstream answered, so the status and length are known.
        while true {
            let progress = download.progress
            switch progress.phase {
            case .connecting:
                await download.waitForChange(from: progress)
                if Task.isCancelled { throw RegistryError(.internalError, "request cancelled") }
            case .failed(let error):
                throw error
            case .streaming, .stored:
                return .downloading(DownloadFollower(download: download, store: store, expectedSize: progress.expectedSize))
            }
        }
    }

    /// The size of a blob for HEAD: from the store, else the upstream's HEAD via the download path.
    public func storedBlobSize(_ digest: Digest) async -> Int64? {
        try? await store.blobSize(digest)
    }

    private func openStoredBlob(_ digest: Digest) async throws(RegistryError) -> OpenedFile? {
        do {
            return try await store.openBlob(digest)
        } catch {
            logger.error("stored blob unreadable", metadata: ["digest": "\(digest)", "error": "\(error)"])
            throw RegistryError(.internalError, "the cache could not read blob \(digest)")
        }
    }

    /// Runs inside ``DownloadService``: fetch, hash, write, verify, commit.
    private func download(_ download: BlobDownload, name: RepositoryName, from upstream: UpstreamTarget) async {
        let digest = download.digest
        let started = ContinuousClock.now
        var writer: BlobWriter?
        do {
            let response = try await upstream.client.blob(name, digest)
            let blobWriter = try await store.makeBlobWriter(expecting: digest)
            writer = blobWriter
            download.started(temporaryPath: blobWriter.temporaryPath, expectedSize: response.contentLength)
            logger.info("fetching blob", metadata: ["digest": "\(digest)", "repository": "\(name)", "size": "\(response.contentLength.map(String.init) ?? "unknown")"])
            for try await chunk in response.body {
                try await blobWriter.append(chunk)
                if let expected = response.contentLength, blobWriter.bytesWritten > expected {
                    throw StoreError.sizeMismatch(expected: expected, actual: blobWriter.bytesWritten)
                }
                download.advanced(to: blobWriter.bytesWritten)
            }
            try await blobWriter.commit(expectedSize: response.contentLength)
            writer = nil
            download.stored()
            logger.info(
                "blob stored",
                metadata: ["digest": "\(digest)", "bytes": "\(blobWriter.bytesWritten)", "duration": "\(ContinuousClock.now - started)"]
            )
        } catch let error as UpstreamError {
            await writer?.abandon()
            download.failed(error.registryError(notFound: .blobUnknown))
            logger.warning("blob fetch failed", metadata: ["digest": "\(digest)", "error": "\(error)"])
        } catch let error as StoreError where error.isVerificationFailure {
            await writer?.abandon()
            download.failed(RegistryError(.badGateway, "upstream sent wrong content for \(digest): \(error)"))
            logger.error("upstream blob failed verification; nothing stored, clients cut off", metadata: ["digest": "\(digest)", "error": "\(error)"])
        } catch {
            await writer?.abandon()
            download.failed(RegistryError(.upstreamUnavailable, "fetching \(digest) failed: \(error)"))
            logger.warning("blob fetch failed", metadata: ["digest": "\(digest)", "error": "\(error)"])
        }
    }

    // MARK: Tags list

    /// The tag list, from the upstream or, when it fails, from the tags the cache knows.
    public func tagList(_ name: RepositoryName, query: String?, limit: Int?, last: String?, from upstream: UpstreamTarget) async throws(RegistryError) -> (body: [UInt8], link: String?) {
        do {
            let list = try await upstream.client.tagList(name, query: query)
            return (list.bytes, list.link)
        } catch {
            guard error.kind != .notFound, error.kind != .unauthorized else {
                throw error.registryError(notFound: .nameUnknown)
            }
            let key = upstream.client.configuration.upstreamName(name)
            guard let known = try? await store.tags(in: key, upstream: upstream.key), !known.isEmpty else {
                throw error.registryError(notFound: .nameUnknown)
            }
            logger.warning("serving cached tag list while the upstream fails", metadata: ["repository": "\(name)", "error": "\(error)"])
            var tags = known
            if let last { tags = tags.filter { $0 > last } }
            if let limit { tags = Array(tags.prefix(limit)) }
            let quoted = tags.map { "\"\(JSONString.escape($0))\"" }.joined(separator: ",")
            return (Array(#"{"name":"\#(JSONString.escape(name.value))","tags":[\#(quoted)]}"#.utf8), nil)
        }
    }

    static func registryError(_ error: any Error) -> RegistryError {
        switch error {
        case let error as RegistryError: error
        case let error as UpstreamError: error.registryError(notFound: .manifestUnknown)
        default: RegistryError(.internalError, "\(error)")
        }
    }
}

/// The downloads in progress, by digest.
actor DownloadRegistry {
    private var active: [Digest: BlobDownload] = [:]

    func join(_ digest: Digest) -> (BlobDownload, isNew: Bool) {
        if let existing = active[digest] { return (existing, false) }
        let download = BlobDownload(digest: digest)
        active[digest] = download
        return (download, true)
    }

    func finished(_ digest: Digest) {
        active[digest] = nil
    }
}

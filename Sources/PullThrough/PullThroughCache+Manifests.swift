import Foundation
import Logging
import Metrics
import Registry
import Storage
import Upstream
import WharfMetrics

extension PullThroughCache {
    /// A manifest by tag or digest (for GET and HEAD alike: a HEAD of an uncached tag caches it,
    /// as the client's next request is the GET of its digest).
    public func manifest(
        _ name: RepositoryName,
        _ reference: Reference,
        accept: AcceptHeader,
        from upstream: UpstreamTarget
    ) async throws(RegistryError) -> ManifestAnswer {
        if case .tag(let tag) = reference { try admit(name, tag: tag, from: upstream) } else { try admit(name, from: upstream) }
        switch reference {
        case .digest(let digest):
            if let cached = await cachedManifest(digest) { return ManifestAnswer(cached, fromCache: true) }
            return ManifestAnswer(try await fetchManifest(name, .digest(digest), accept: accept, from: upstream), fromCache: false)
        case .tag(let tag):
            return try await manifest(name, tag: tag, accept: accept, from: upstream)
        }
    }

    /// A tag: from the cache within its freshness window; after it, revalidated with a HEAD
    /// upstream (which Docker Hub does not count as a pull), fetched only when it moved.
    func manifest(
        _ name: RepositoryName,
        tag: Tag,
        accept: AcceptHeader,
        from upstream: UpstreamTarget
    ) async throws(RegistryError) -> ManifestAnswer {
        let known = await tagRecord(name, tag, upstream: upstream)
        if let known, policy.isFresh(known, now: Date().timeIntervalSince1970) || isPinned(name, tag, upstream: upstream),
            let cached = await cachedManifest(of: known, accept: accept)
        {
            return ManifestAnswer(cached, fromCache: true)
        }
        if let known, let spared = await sparingBudget(name, tag, known, accept: accept, upstream: upstream) {
            return spared
        }
        let key = "\(upstream.key)/\(name):\(tag)|\(accept.upstreamValue)"
        do {
            let resolved = try await tagResolutions.run(key) {
                try await self.resolveTag(name, tag, accept: accept, from: upstream)
            }
            return ManifestAnswer(resolved.manifest, fromCache: resolved.fromCache)
        } catch let error as UpstreamError {
            if CachePolicy.servesStale(after: error.kind), let known, let stale = await cachedManifest(of: known, accept: accept) {
                Counter(label: WharfMetric.staleAnswers.name, dimensions: [(WharfMetric.Label.reason, "\(error.kind)")]).increment()
                logger.warning(
                    "serving cached tag while the upstream fails",
                    metadata: ["repository": "\(name)", "tag": "\(tag)", "digest": "\(stale.digest)", "error": "\(error)"]
                )
                return ManifestAnswer(stale, fromCache: true, stale: true)
            }
            throw error.registryError(notFound: .manifestUnknown)
        } catch {
            throw Self.registryError(error)
        }
    }

    struct ResolvedTag: Sendable {
        let manifest: StoredManifest
        let fromCache: Bool
    }

    /// One revalidation, shared by every request for the tag meanwhile: a HEAD upstream, and a
    /// GET only when the digest is not cached (or not acceptable to the client).
    private func resolveTag(_ name: RepositoryName, _ tag: Tag, accept: AcceptHeader, from upstream: UpstreamTarget) async throws -> ResolvedTag {
        let head = try await upstream.client.manifest(name, .tag(tag), accept: accept.upstreamValue, headOnly: true)
        if let digest = head.digest, let cached = await cachedManifest(digest), accept.accepts(cached.mediaType) {
            await recordTag(name, tag, cached, upstream: upstream)
            return ResolvedTag(manifest: cached, fromCache: true)
        }
        let fetched = try await fetchAndStoreManifest(name, .tag(tag), accept: accept, from: upstream)
        await recordTag(name, tag, fetched, upstream: upstream)
        return ResolvedTag(manifest: fetched, fromCache: false)
    }

    /// The cached manifest a tag record points at, when the client accepts its type.
    private func cachedManifest(of record: TagRecord, accept: AcceptHeader) async -> StoredManifest? {
        guard accept.accepts(record.mediaType), let digest = try? Digest(parsing: record.digest) else { return nil }
        return await cachedManifest(digest)
    }

    /// The cached answer past tagttl while the upstream is near its pull limit, or `nil` to ask it.
    private func sparingBudget(_ name: RepositoryName, _ tag: Tag, _ known: TagRecord, accept: AcceptHeader, upstream: UpstreamTarget) async -> ManifestAnswer? {
        let reading = upstream.client.budget.reading
        guard policy.sparesBudget(reading, now: Date()), let cached = await cachedManifest(of: known, accept: accept) else { return nil }
        Counter(label: WharfMetric.staleAnswers.name, dimensions: [(WharfMetric.Label.reason, "budget")]).increment()
        var metadata: Logger.Metadata = ["repository": "\(name)", "tag": "\(tag)", "digest": "\(cached.digest)", "upstream": "\(upstream.key)"]
        if let remaining = reading.remaining { metadata["remaining"] = "\(remaining)" }
        if let limit = reading.limit { metadata["limit"] = "\(limit)" }
        if let until = reading.retryUntil, until > Date() { metadata["retry_after_until"] = "\(until.formatted(.iso8601))" }
        logger.notice("upstream near its pull limit: serving the cached tag past tagttl", metadata: metadata)
        return ManifestAnswer(cached, fromCache: true, stale: true)
    }

    /// Whether the upstream's policy pins the tag: once cached, never revalidated.
    private func isPinned(_ name: RepositoryName, _ tag: Tag, upstream: UpstreamTarget) -> Bool {
        upstream.repositories.isPinned(upstream.client.configuration.upstreamName(name), tag: tag.value)
    }

    /// The tag's record, from memory or the store.
    private func tagRecord(_ name: RepositoryName, _ tag: Tag, upstream: UpstreamTarget) async -> TagRecord? {
        let remoteName = upstream.client.configuration.upstreamName(name)
        let key = Self.tagKey(upstream.key, remoteName, tag)
        if let record = tagRecords.value(for: key) { return record }
        guard let record = try? await store.tag(tag, in: remoteName, upstream: upstream.key) else { return nil }
        tagRecords.store(record, for: key)
        return record
    }

    /// A manifest from memory or the store; an unreadable one is fetched again.
    func cachedManifest(_ digest: Digest) async -> StoredManifest? {
        if let hot = hotManifests.value(for: digest) {
            await store.recordUse(of: .manifest(digest))
            return hot
        }
        do {
            guard let manifest = try await store.manifest(digest) else { return nil }
            hotManifests.store(manifest, for: digest)
            await store.recordUse(of: .manifest(digest))
            return manifest
        } catch {
            logger.error("stored manifest unreadable; fetching again", metadata: ["digest": "\(digest)", "error": "\(error)"])
            return nil
        }
    }

    func fetchManifest(
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

    /// Fetches a manifest, verifies it against the digest asked for (or the one the upstream
    /// announced) and stores it; a mismatch stores nothing.
    func fetchAndStoreManifest(
        _ name: RepositoryName,
        _ reference: Reference,
        accept: AcceptHeader,
        from upstream: UpstreamTarget
    ) async throws -> StoredManifest {
        // By digest, the content is fixed: ask for every type so no registry refuses it.
        let acceptValue = if case .digest = reference { MediaType.defaultManifestAccept } else { accept.upstreamValue }
        let fetched = try await upstream.client.manifest(name, reference, accept: acceptValue, headOnly: false)
        let expected: Digest? = if case .digest(let wanted) = reference { wanted } else { fetched.digest }
        let actual = ContentHasher.digest(of: fetched.bytes, algorithm: expected?.algorithm ?? .sha256)
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
        hotManifests.store(manifest, for: actual)
        return manifest
    }

    func recordTag(_ name: RepositoryName, _ tag: Tag, _ manifest: StoredManifest, upstream: UpstreamTarget) async {
        let remoteName = upstream.client.configuration.upstreamName(name)
        let record = TagRecord(digest: manifest.digest, mediaType: manifest.mediaType, checkedAt: Date().timeIntervalSince1970)
        tagRecords.store(record, for: Self.tagKey(upstream.key, remoteName, tag))
        do {
            try await store.putTag(tag, in: remoteName, upstream: upstream.key, record: record)
        } catch {
            logger.error("could not record tag", metadata: ["repository": "\(name)", "tag": "\(tag)", "error": "\(error)"])
        }
    }

    static func tagKey(_ upstream: UpstreamKey, _ name: RepositoryName, _ tag: Tag) -> String {
        "\(upstream.value)/\(name.value):\(tag.value)"
    }

    /// The media type to store: the upstream's when it names a manifest type, else what the document declares.
    static func mediaType(contentType: String, bytes: [UInt8]) -> String {
        let declared = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if MediaType.allManifestTypes.contains(declared) { return declared }
        return ManifestDocument.mediaType(of: bytes) ?? (declared.isEmpty ? "application/json" : declared)
    }
}

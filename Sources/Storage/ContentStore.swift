import Registry
import ServiceLifecycle

/// The cache's storage: verified blobs and manifests by digest, tag records, and what
/// eviction needs to know about each object.
///
/// Two implementations: ``FilesystemStore`` (a local folder) and ``S3Store`` (an S3-compatible
/// bucket shared by several instances). Every implementation keeps the same promises: an object is
/// visible under its digest only after its content was verified; nothing half-written is
/// ever visible; a reader that has opened a blob can finish reading it even if the blob is
/// removed meanwhile.
public protocol ContentStore: Sendable {
    /// Where the store lives, for logs and the status page (never a secret).
    var location: String { get }

    /// Makes the store ready to serve and removes what an interrupted run left behind.
    /// - Returns: the number of leftovers removed.
    @discardableResult
    func prepare() async throws -> Int

    /// Why the store cannot take new content now, or `nil` when it can (for `/readyz`).
    func readinessProblem() async -> String?

    // MARK: Blobs

    /// The size of a stored blob, or `nil` when it is not stored.
    func blobSize(_ digest: Digest) async throws -> Int64?

    /// Opens a stored blob for reading, or `nil` when it is not stored.
    func openBlob(_ digest: Digest) async throws -> StoredBlob?

    /// Starts storing a blob that becomes visible under `digest` only once its content
    /// hashes to it (``BlobUpload/commit(expectedSize:)``).
    func beginUpload(of digest: Digest) async throws -> any BlobUpload

    // MARK: Manifests

    /// A stored manifest, or `nil`; one whose bytes no longer match its digest is an error.
    func manifest(_ digest: Digest) async throws -> StoredManifest?

    /// Stores a manifest whose digest the caller verified.
    func putManifest(_ manifest: StoredManifest) async throws

    // MARK: Tags

    /// The record of a tag, or `nil` when the tag was never fetched.
    func tag(_ tag: Tag, in name: RepositoryName, upstream: UpstreamKey) async throws -> TagRecord?

    /// Records what a tag points at.
    func putTag(_ tag: Tag, in name: RepositoryName, upstream: UpstreamKey, record: TagRecord) async throws

    /// The tags recorded for a repository, sorted; `nil` when none ever was.
    func tags(in name: RepositoryName, upstream: UpstreamKey) async throws -> [String]?

    // MARK: Use and eviction

    /// Notes that an object was served, for eviction by last use. Cheap: implementations
    /// write at most one record per object per interval, not one per request.
    func recordUse(of object: StoredObject.Key) async

    /// Every blob and manifest with its size and last use.
    func listObjects() async throws -> [StoredObject]

    /// Folds the records of last use into fewer (a bucket's batches); only the holder of the
    /// sweep lease calls it, after a pass that was not a dry run.
    func compactUseRecords() async throws

    /// Removes an object; `false` when it was already gone.
    @discardableResult
    func remove(_ object: StoredObject.Key) async throws -> Bool

    /// Claims the upstream fetch of `digest` for this instance among all sharing the store.
    func claimFetch(of digest: Digest) async throws -> FetchClaim

    /// Claims the next eviction pass for this instance among all sharing the store.
    func claimSweep() async throws -> FetchClaim

    /// Long-lived work the store needs beside the requests (writing batched last-use records),
    /// run in the server's ServiceGroup.
    var services: [any Service] { get }
}

extension ContentStore {
    public var services: [any Service] { [] }

    /// A store only one instance uses needs no lease.
    public func claimFetch(of digest: Digest) async throws -> FetchClaim { .granted(nil) }

    public func claimSweep() async throws -> FetchClaim { .granted(nil) }

    /// A store that writes one record per use has nothing to fold.
    public func compactUseRecords() async throws {}
}

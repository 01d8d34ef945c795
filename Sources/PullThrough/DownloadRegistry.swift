import Registry

/// The downloads in progress, by digest.
actor DownloadRegistry {
    private var active: [Digest: BlobDownload] = [:]

    func join(_ digest: Digest) -> (BlobDownload, isNew: Bool) {
        if let existing = active[digest] { return (existing, false) }
        let download = BlobDownload(digest: digest)
        active[digest] = download
        return (download, true)
    }

    /// The download of `digest` in progress, if any.
    func active(_ digest: Digest) -> BlobDownload? {
        active[digest]
    }

    func finished(_ digest: Digest) {
        active[digest] = nil
    }
}

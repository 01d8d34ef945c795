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

    func finished(_ digest: Digest) {
        active[digest] = nil
    }
}

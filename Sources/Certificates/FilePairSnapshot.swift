import FileIO

/// The fingerprints of a certificate file and a key file at one poll; nil where a file is missing.
struct FilePairSnapshot: Equatable, Sendable {
    var certificate: FileFingerprint?
    var key: FileFingerprint?

    /// Examines both files now.
    static func take(certificatePath: String, keyPath: String) async -> FilePairSnapshot {
        FilePairSnapshot(certificate: await FileFingerprint.of(certificatePath), key: await FileFingerprint.of(keyPath))
    }
}

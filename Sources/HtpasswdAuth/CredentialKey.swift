import Crypto

/// What the credential cache and the single-flight table are keyed by: SHA-256 of the whole
/// `Authorization` header behind a random 64-byte prefix made at start, so neither the
/// password nor an unkeyed hash of it is kept.
///
/// It is keyed by the header as sent, so two spellings of the same credentials are two entries,
/// each verified once. (The header is decoded anyway, for the limits to know the user first.)
struct CredentialKey: Hashable, Sendable {
    private let digest: SHA256Digest

    fileprivate init(digest: SHA256Digest) {
        self.digest = digest
    }
}

/// Makes ``CredentialKey``s: the hash state after the secret prefix is computed once and copied.
struct CredentialKeyer: Sendable {
    private let prefixed: SHA256

    init() {
        var hash = SHA256()
        hash.update(data: SymmetricKey(size: .init(bitCount: 512)).withUnsafeBytes { Array($0) })
        prefixed = hash
    }

    func key(forHeader header: String) -> CredentialKey {
        var hash = prefixed
        var header = header
        header.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return CredentialKey(digest: hash.finalize())
    }
}

import ACME
import Foundation

extension CertificateStateFolder {
    /// Stores `certificate` under `name`: chain (0644), key (0600), metadata (0644), each atomically.
    ///
    /// The key is written before the chain, so a reader that sees the new chain finds its key.
    public func saveCertificate(_ certificate: IssuedCertificate, name: String, directoryURL: String, keyType: KeyType?) async throws {
        try Self.validate(name: name)
        let metadata = CertificateMetadata(issued: certificate, directoryURL: directoryURL, keyType: keyType)
        let metadataBytes = try Self.encode(metadata, path: metadataPath(name))
        try await makeCertificateFolder(name)
        try await CertificateFiles.write(certificate.privateKeyPEM, to: keyPath(name), mode: 0o600)
        try await CertificateFiles.write(certificate.chainPEM, to: chainPath(name), mode: 0o644)
        try await CertificateFiles.write(metadataBytes, to: metadataPath(name), mode: 0o644)
    }

    /// The certificate stored under `name`, or nil when any of its three files is missing.
    public func loadCertificate(name: String) async throws -> StoredCertificate? {
        guard let metadata = try await loadMetadata(name: name),
            let chain = try await CertificateFiles.readIfPresent(chainPath(name)),
            let key = try await CertificateFiles.readIfPresent(keyPath(name))
        else { return nil }
        return StoredCertificate(
            chainPEM: String(decoding: chain, as: UTF8.self),
            privateKeyPEM: String(decoding: key, as: UTF8.self),
            metadata: metadata
        )
    }

    /// The metadata of certificate `name`, or nil when there is none.
    public func loadMetadata(name: String) async throws -> CertificateMetadata? {
        try Self.validate(name: name)
        let path = metadataPath(name)
        guard let bytes = try await CertificateFiles.readIfPresent(path) else { return nil }
        return try Self.decode(CertificateMetadata.self, from: bytes, path: path, what: "certificate metadata", remedy: "remove it to order the certificate again")
    }

    /// Records a failed attempt for `name` (``CertificateMetadata/lastError``), keeping the rest
    /// of the metadata; creates the metadata if there is none.
    public func recordFailure(name: String, hosts: [String], directoryURL: String, message: String, at date: Date = Date()) async throws {
        var metadata = try await loadMetadata(name: name) ?? CertificateMetadata(hosts: hosts, directoryURL: directoryURL)
        metadata.lastError = message
        metadata.lastErrorAt = date
        let bytes = try Self.encode(metadata, path: metadataPath(name))
        try await makeCertificateFolder(name)
        try await CertificateFiles.write(bytes, to: metadataPath(name), mode: 0o644)
    }

    /// The state folder, `certificates/` and `certificates/<name>/`, each made or narrowed to 0700.
    private func makeCertificateFolder(_ name: String) async throws(TLSCertificateError) {
        for path in [folder, "\(folder)/certificates", certificateFolder(name)] {
            try await CertificateFiles.makeFolder(path, mode: 0o700, narrowingExisting: true)
        }
    }
}

import ACME
import Foundation

extension CertificateStateBucket {
    /// Stores `certificate` under `name`: key, chain, then metadata, each one PUT.
    ///
    /// The key is written before the chain, so a reader that sees the new chain finds its key.
    public func saveCertificate(_ certificate: IssuedCertificate, name: String, directoryURL: String, keyType: KeyType?) async throws {
        try Self.validate(name: name)
        let metadata = CertificateMetadata(issued: certificate, directoryURL: directoryURL, keyType: keyType)
        let metadataBytes = try Self.encode(metadata, path: url(Self.metadataKey(name)))
        try await write(Array(certificate.privateKeyPEM.utf8), to: Self.privateKeyKey(name))
        try await write(Array(certificate.chainPEM.utf8), to: Self.chainKey(name))
        try await write(metadataBytes, to: Self.metadataKey(name))
    }

    /// The certificate stored under `name`, or nil when any of its three records is missing.
    public func loadCertificate(name: String) async throws -> StoredCertificate? {
        guard let metadata = try await loadMetadata(name: name),
            let chain = try await read(Self.chainKey(name)),
            let key = try await read(Self.privateKeyKey(name))
        else { return nil }
        return StoredCertificate(chainPEM: String(decoding: chain, as: UTF8.self), privateKeyPEM: String(decoding: key, as: UTF8.self), metadata: metadata)
    }

    /// The metadata of certificate `name`, or nil when there is none.
    public func loadMetadata(name: String) async throws -> CertificateMetadata? {
        try Self.validate(name: name)
        let key = Self.metadataKey(name)
        guard let bytes = try await read(key) else { return nil }
        return try Self.decode(CertificateMetadata.self, from: bytes, path: url(key), what: "certificate metadata", remedy: "remove it to order the certificate again")
    }

    /// Records a failed attempt for `name`, keeping the rest of the metadata.
    public func recordFailure(name: String, hosts: [String], directoryURL: String, message: String, at date: Date = Date()) async throws {
        var metadata = try await loadMetadata(name: name) ?? CertificateMetadata(hosts: hosts, directoryURL: directoryURL)
        metadata.lastError = message
        metadata.lastErrorAt = date
        try await write(try Self.encode(metadata, path: url(Self.metadataKey(name))), to: Self.metadataKey(name))
    }
}

import Foundation

extension ACMEStateStore {
    /// Stores `certificate` under `name`: chain (0644), key (0600), metadata (0644), each atomically.
    ///
    /// The key is written before the chain, so a reader that sees the new chain finds its key.
    public func saveCertificate(_ certificate: IssuedCertificate, name: String, directoryURL: String, keyType: KeyType? = nil) async throws(ACMEError) {
        try Self.validate(name: name)
        let metadata = CertificateMetadata(
            hosts: certificate.hosts,
            notBefore: certificate.notBefore,
            notAfter: certificate.notAfter,
            serial: certificate.serial,
            issuer: certificate.issuer,
            directoryURL: directoryURL,
            keyType: keyType?.rawValue,
            issuedAt: Date()
        )
        let metadataBytes = try Self.encode(metadata, path: metadataPath(name))
        let (root, folder) = (self.folder, certificateFolder(name))
        let (chainPath, keyPath, metadataPath) = (chainPath(name), keyPath(name), metadataPath(name))
        try await BlockingIO.run { () throws(ACMEError) in
            try AtomicFile.makePrivateFolder(root)
            try AtomicFile.makePrivateFolder("\(root)/certificates")
            try AtomicFile.makePrivateFolder(folder)
            try AtomicFile.write(Array(certificate.privateKeyPEM.utf8), to: keyPath, mode: 0o600)
            try AtomicFile.write(Array(certificate.chainPEM.utf8), to: chainPath, mode: 0o644)
            try AtomicFile.write(metadataBytes, to: metadataPath, mode: 0o644)
        }
    }

    /// The certificate stored under `name`, or nil when any of its three files is missing.
    public func loadCertificate(name: String) async throws(ACMEError) -> StoredCertificate? {
        try Self.validate(name: name)
        let (chainPath, keyPath) = (chainPath(name), keyPath(name))
        guard let metadata = try await loadMetadata(name: name) else { return nil }
        return try await BlockingIO.run { () throws(ACMEError) -> StoredCertificate? in
            guard let chain = try AtomicFile.read(chainPath), let key = try AtomicFile.read(keyPath) else { return nil }
            return StoredCertificate(
                chainPEM: String(decoding: chain, as: UTF8.self),
                privateKeyPEM: String(decoding: key, as: UTF8.self),
                metadata: metadata
            )
        }
    }

    /// The metadata of certificate `name`, or nil when there is none.
    public func loadMetadata(name: String) async throws(ACMEError) -> CertificateMetadata? {
        try Self.validate(name: name)
        let path = metadataPath(name)
        return try await BlockingIO.run { () throws(ACMEError) -> CertificateMetadata? in
            guard let bytes = try AtomicFile.read(path) else { return nil }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            do {
                return try decoder.decode(CertificateMetadata.self, from: Data(bytes))
            } catch {
                throw .storage(path, reason: "it is not certificate metadata (\(error)); remove it to order the certificate again")
            }
        }
    }

    /// Records a failed attempt for `name` (``CertificateMetadata/lastError``), keeping the rest
    /// of the metadata; creates the metadata if there is none.
    public func recordFailure(name: String, hosts: [String], directoryURL: String, message: String, at date: Date = Date()) async throws(ACMEError) {
        var metadata = try await loadMetadata(name: name) ?? CertificateMetadata(hosts: hosts, directoryURL: directoryURL)
        metadata.lastError = message
        metadata.lastErrorAt = date
        let bytes = try Self.encode(metadata, path: metadataPath(name))
        let (root, folder, path) = (self.folder, certificateFolder(name), metadataPath(name))
        try await BlockingIO.run { () throws(ACMEError) in
            try AtomicFile.makePrivateFolder(root)
            try AtomicFile.makePrivateFolder("\(root)/certificates")
            try AtomicFile.makePrivateFolder(folder)
            try AtomicFile.write(bytes, to: path, mode: 0o644)
        }
    }

    /// Refuses names that would leave `certificates/` or hide a file.
    static func validate(name: String) throws(ACMEError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !name.isEmpty, name.count <= 200, !name.hasPrefix("."), name.allSatisfy(allowed.contains) else {
            throw .invalidConfiguration(
                "certificate name \(String(reflecting: name))",
                reason: "cannot be a folder name; use letters, digits, '.', '_' and '-', not starting with '.'"
            )
        }
    }
}

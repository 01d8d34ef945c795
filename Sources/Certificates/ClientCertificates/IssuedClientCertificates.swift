import Foundation

/// The record of client certificates `wharf client-cert issue` signed, in the state folder
/// (`client-certificates.json`), for `wharf client-cert list`. It holds no key.
public enum IssuedClientCertificates {
    /// One issued certificate.
    public struct Record: Codable, Sendable, Equatable {
        public var name: String
        /// Upper-case hex, as a revocation file may name it.
        public var serial: String
        /// SHA-256 of the DER certificate, lower-case hex.
        public var fingerprint: String
        public var issuer: String
        public var issuedAt: Date
        public var notAfter: Date

        public init(_ issued: ClientCertificateIssuer.Issued, issuer: String, issuedAt: Date) {
            name = issued.identity.name
            serial = issued.identity.serialHex
            fingerprint = issued.identity.fingerprint
            self.issuer = issuer
            self.issuedAt = issuedAt
            notAfter = issued.notAfter
        }
    }

    /// `stateFolder/client-certificates.json`.
    public static func path(stateFolder: String) -> String {
        stateFolder + "/client-certificates.json"
    }

    /// The records, oldest first; none when the file does not exist yet.
    ///
    /// - Throws: ``TLSCertificateError`` when the file cannot be read or is not a record file.
    public static func load(stateFolder: String) async throws(TLSCertificateError) -> [Record] {
        let path = path(stateFolder: stateFolder)
        guard let bytes = try await CertificateFiles.readIfPresent(path) else { return [] }
        do {
            return try decoder.decode([Record].self, from: Data(bytes))
        } catch {
            throw .unreadableFile(path, reason: "not a record of issued client certificates (\(error))")
        }
    }

    /// Adds `record` (the file rewritten atomically, 0600, in a 0700 state folder).
    public static func append(_ record: Record, stateFolder: String) async throws(TLSCertificateError) {
        var records = try await load(stateFolder: stateFolder)
        records.append(record)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(records)
        } catch {
            throw .writeFailed(path(stateFolder: stateFolder), reason: "\(error)")
        }
        try await CertificateFiles.makeFolder(stateFolder, mode: 0o700)
        try await CertificateFiles.write(Array(data) + [0x0a], to: path(stateFolder: stateFolder), mode: 0o600)
    }

    private static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

import ACME
import Foundation
import S3

/// The certificate state in an S3-compatible bucket (`storage.s3`), shared by every instance
/// pointing at it, in the layout of ``CertificateStateFolder`` under `<rootdirectory>/acme/`:
///
///     acme/account.key                    P-256 account key, PKCS#8 PEM (secret)
///     acme/account.json                   {"accountURL": ..., "directoryURL": ...}
///     acme/order.lock                     held while ordering (``S3Lease``, conditional writes)
///     acme/renew-requested                "due" or "force", from `wharf cert renew`
///     acme/certificates/<name>/chain.pem  leaf first
///     acme/certificates/<name>/key.pem    (secret)
///     acme/certificates/<name>/metadata.json
///     acme/challenges/<type>.<name>.json  a challenge being validated (``PendingChallenge``)
///
/// Each record is one PUT, which S3 makes visible whole or not at all. Secrets are as safe as
/// the bucket's credentials and policy; failures name the key, never a secret.
public struct CertificateStateBucket: CertificateStateStore {
    public let client: S3Client
    /// How long the order lock holds without being released (a crashed holder's is taken over after it).
    public let lockLifetime: TimeInterval

    /// The state under `<rootdirectory>/acme/` of `client`'s bucket.
    public init(client: S3Client, lockLifetime: TimeInterval = 600) {
        self.client = client
        self.lockLifetime = lockLifetime
    }

    /// `s3://<bucket>/<rootdirectory>/acme at <endpoint>`, for log lines and `wharf config check`.
    public var location: String { Self.location(client.settings) }

    /// Where the state of a bucket with `settings` is, without a client.
    public static func location(_ settings: S3Settings) -> String {
        let root = settings.rootDirectory.isEmpty ? "" : settings.rootDirectory + "/"
        return "s3://\(settings.bucket)/\(root)acme at \(S3Endpoint(settings).origin)"
    }

    static let accountKeyKey = "acme/account.key"
    static let accountKey = "acme/account.json"
    static let orderLockKey = "acme/order.lock"
    static let renewalRequestKey = "acme/renew-requested"
    static func chainKey(_ name: String) -> String { "acme/certificates/\(name)/chain.pem" }
    static func privateKeyKey(_ name: String) -> String { "acme/certificates/\(name)/key.pem" }
    static func metadataKey(_ name: String) -> String { "acme/certificates/\(name)/metadata.json" }
    static func challengeKey(_ name: String) -> String { "acme/challenges/\(name).json" }

    /// `s3://<bucket>/<full key>`, how errors name a record.
    public func url(_ key: String) -> String { "s3://\(client.settings.bucket)/\(client.fullKey(key))" }

    // MARK: Account

    public func loadAccountKey() async throws -> AccountKey? {
        guard let bytes = try await read(Self.accountKeyKey) else { return nil }
        return try AccountKey(pemRepresentation: String(decoding: bytes, as: UTF8.self), source: url(Self.accountKeyKey))
    }

    public func saveAccountKey(_ key: AccountKey) async throws {
        try await write(Array(key.pemRepresentation.utf8), to: Self.accountKeyKey)
    }

    public func loadAccount() async throws -> StoredAccount? {
        guard let bytes = try await read(Self.accountKey) else { return nil }
        return try Self.decode(StoredAccount.self, from: bytes, path: url(Self.accountKey), what: "an account record", remedy: "remove it to look the account up again")
    }

    public func saveAccount(_ account: StoredAccount) async throws {
        try await write(try Self.encode(account, path: url(Self.accountKey)), to: Self.accountKey)
    }

    public func removeAccount() async throws {
        try await remove(Self.accountKey)
    }

    // MARK: Coordination

    /// An ``S3Lease`` on `acme/order.lock` with a holder identity of its own.
    public func orderLock() -> any CertificateOrderLock {
        BucketOrderLock(lease: S3Lease(client: client, key: Self.orderLockKey, holder: BucketOrderLock.newHolder(), duration: lockLifetime), location: url(Self.orderLockKey))
    }

    public func requestRenewal(_ request: RenewalRequest) async throws {
        try await write(Array(request.rawValue.utf8), to: Self.renewalRequestKey)
    }

    /// Reads the request, then removes it; an unknown word asks for a renewal if due.
    public func takeRenewalRequest() async -> RenewalRequest? {
        guard let bytes = try? await read(Self.renewalRequestKey) else { return nil }
        try? await remove(Self.renewalRequestKey)
        return RenewalRequest(rawValue: String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .ifDue
    }

    // MARK: Records

    /// The bytes under `key`, nil when there is none.
    func read(_ key: String) async throws(TLSCertificateError) -> [UInt8]? {
        do {
            return try await client.getObject(key, limit: 1024 * 1024)?.bytes
        } catch {
            throw .unreadableFile(url(key), reason: "\(error)")
        }
    }

    func write(_ bytes: [UInt8], to key: String) async throws(TLSCertificateError) {
        do {
            try await client.putObject(key, bytes: bytes)
        } catch {
            throw .writeFailed(url(key), reason: "\(error)")
        }
    }

    func remove(_ key: String) async throws(TLSCertificateError) {
        do {
            try await client.deleteObject(key)
        } catch {
            throw .writeFailed(url(key), reason: "\(error)")
        }
    }
}

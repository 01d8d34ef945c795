import AsyncHTTPClient
import Certificates
import S3

/// The ACME state `http.tls.letsencrypt` and `storage` configure, with the HTTP client it owns
/// when it is in the bucket.
public struct OpenedCertificateState: Sendable {
    public let store: any CertificateStateStore
    /// Where it is, for the start-up log and `wharf cert`.
    public let location: String
    private let http: HTTPClient?

    init(store: any CertificateStateStore, location: String, http: HTTPClient?) {
        self.store = store
        self.location = location
        self.http = http
    }

    /// Releases the bucket's connections.
    public func close() async {
        try? await http?.shutdown()
    }
}

extension WharfConfiguration {
    /// The ACME settings, when certificates come from ACME.
    public var acme: ACMESettings? {
        guard case .acme(let acme) = http.tls?.source else { return nil }
        return acme
    }

    /// The state is in the `storage.s3` bucket (under `<rootdirectory>/acme/`) when there is one,
    /// so that the fleet sharing the bucket orders once; an explicit `cachefile` keeps it in that folder.
    func certificateStateBucket(_ acme: ACMESettings) -> S3Settings? {
        acme.stateFolderConfigured ? nil : storageS3
    }

    /// Where the ACME state is: the folder, or the bucket's `s3://` address.
    public func certificateStateLocation(_ acme: ACMESettings) -> String {
        guard let s3 = certificateStateBucket(acme) else { return "folder \(acme.stateFolder)" }
        return "\(CertificateStateBucket.location(s3)) (storage.s3; set cachefile to keep it in a folder)"
    }

    /// Opens the ACME state (the server and `wharf cert`); close it after.
    public func openCertificateState(_ acme: ACMESettings) -> OpenedCertificateState {
        guard let s3 = certificateStateBucket(acme) else {
            return OpenedCertificateState(store: CertificateStateFolder(folder: acme.stateFolder), location: certificateStateLocation(acme), http: nil)
        }
        let http = S3Client.makeHTTPClient(s3)
        return OpenedCertificateState(store: CertificateStateBucket(client: S3Client(settings: s3, http: http)), location: certificateStateLocation(acme), http: http)
    }

    /// Runs `body` with the ACME state and closes it afterwards, whether `body` returned or threw.
    public func withCertificateState<Result>(_ acme: ACMESettings, _ body: (OpenedCertificateState) async throws -> Result) async throws -> Result {
        let opened = openCertificateState(acme)
        do {
            let result = try await body(opened)
            await opened.close()
            return result
        } catch {
            await opened.close()
            throw error
        }
    }
}

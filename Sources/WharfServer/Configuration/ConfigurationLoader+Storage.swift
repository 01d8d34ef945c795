import Foundation
import S3

extension ConfigurationLoader {
    /// `storage.s3` (distribution's keys; the keys may come from the AWS environment
    /// variables instead) and `storage.redirect.disable`.
    static func storageSettings(_ reader: TreeReader, environment: [String: String], into configuration: inout WharfConfiguration) throws(ConfigurationError) {
        if let disable = try reader.bool("storage.redirect.disable") { configuration.storageRedirect = !disable }
        guard reader.value("storage.s3") != nil else {
            if configuration.storageRedirect {
                throw reader.error("storage.redirect.disable", "redirects need a bucket to send clients to; give storage.s3 or remove storage.redirect")
            }
            return
        }
        if reader.value("storage.filesystem") != nil {
            throw reader.error("storage.s3", "storage.filesystem and storage.s3 are both given; the cache lives in one of them: remove one")
        }
        guard let bucket = try reader.string("storage.s3.bucket"), !bucket.isEmpty else {
            throw reader.error("storage.s3.bucket", "storage.s3 needs the bucket's name (storage.s3.bucket)")
        }
        let accessKey = try reader.string("storage.s3.accesskey") ?? environment["AWS_ACCESS_KEY_ID"]
        let secretKey = try reader.string("storage.s3.secretkey") ?? environment["AWS_SECRET_ACCESS_KEY"]
        guard let accessKey, !accessKey.isEmpty else {
            throw reader.error("storage.s3.accesskey", "no access key: give storage.s3.accesskey and secretkey, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        guard let secretKey, !secretKey.isEmpty else {
            throw reader.error("storage.s3.secretkey", "no secret key: give storage.s3.secretkey, or set AWS_SECRET_ACCESS_KEY")
        }
        let token = try reader.string("storage.s3.sessiontoken") ?? environment["AWS_SESSION_TOKEN"]
        var settings = S3Settings(
            bucket: bucket,
            credentials: S3Credentials(accessKey: accessKey, secretKey: secretKey, sessionToken: token.flatMap { $0.isEmpty ? nil : $0 }),
            region: try reader.string("storage.s3.region") ?? environment["AWS_REGION"] ?? "us-east-1",
            endpoint: try reader.string("storage.s3.regionendpoint").flatMap { $0.isEmpty ? nil : $0 },
            forcePathStyle: try reader.bool("storage.s3.forcepathstyle") ?? false,
            secure: try reader.bool("storage.s3.secure") ?? true,
            skipVerify: try reader.bool("storage.s3.skipverify") ?? false,
            rootDirectory: try reader.string("storage.s3.rootdirectory") ?? ""
        )
        if let text = try reader.string("storage.s3.chunksize") {
            guard let size = Int(text) else { throw reader.error("storage.s3.chunksize", "must be a number of bytes, not \(text)") }
            guard size >= S3Settings.minimumChunkSize else {
                throw reader.error("storage.s3.chunksize", "must be at least \(S3Settings.minimumChunkSize) (5 MiB, S3's smallest part), not \(size)")
            }
            settings.chunkSize = size
        }
        if let endpoint = settings.endpoint, endpoint.contains("://"), !endpoint.hasPrefix("http://"), !endpoint.hasPrefix("https://") {
            throw reader.error("storage.s3.regionendpoint", "must be http:// or https:// (or a host name), not \(endpoint)")
        }
        configuration.storageS3 = settings
        if let peer = try reader.string("storage.s3.peerurl"), !peer.isEmpty {
            guard let url = URL(string: peer), url.scheme == "http" || url.scheme == "https", url.host != nil, url.path.isEmpty || url.path == "/" else {
                throw reader.error("storage.s3.peerurl", "must be this instance's http:// or https:// origin as the fleet reaches it (http://10.0.0.5:5000), not \(peer)")
            }
            configuration.storageS3PeerURL = peer.hasSuffix("/") ? String(peer.dropLast()) : peer
        }
    }

    /// The configuration key a failure of the bucket points at.
    public static func key(for suspect: S3Error.Suspect) -> String {
        switch suspect {
        case .accessKey: "storage.s3.accesskey"
        case .secretKey: "storage.s3.secretkey"
        case .bucket: "storage.s3.bucket"
        case .endpoint: "storage.s3.regionendpoint"
        case .region: "storage.s3.region"
        }
    }
}

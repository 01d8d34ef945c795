/// Where the bucket is and how to reach it: distribution's `storage.s3` keys.
public struct S3Settings: Sendable, Equatable {
    /// `bucket`.
    public var bucket: String
    /// `region`, signed into every request (`us-east-1` when absent).
    public var region: String
    /// `regionendpoint`: an S3-compatible endpoint (`http://127.0.0.1:8333`, `minio.internal:9000`);
    /// `nil` is AWS's own `s3.<region>.amazonaws.com`.
    public var endpoint: String?
    /// `forcepathstyle`: `https://host/bucket/key` instead of `https://bucket.host/key`.
    public var forcePathStyle: Bool
    /// `secure`: HTTPS when the endpoint names no scheme (true by default).
    public var secure: Bool
    /// `skipverify`: accept any certificate from the endpoint.
    public var skipVerify: Bool
    /// `rootdirectory`: a prefix every key lives under, without leading or trailing `/`.
    public var rootDirectory: String
    /// `chunksize`: the part size of multipart uploads (at least 5 MiB, S3's minimum).
    public var chunkSize: Int
    /// The keys.
    public var credentials: S3Credentials

    /// distribution's default part size.
    public static let defaultChunkSize = 10 * 1024 * 1024
    /// S3's smallest part but the last.
    public static let minimumChunkSize = 5 * 1024 * 1024

    public init(
        bucket: String,
        credentials: S3Credentials,
        region: String = "us-east-1",
        endpoint: String? = nil,
        forcePathStyle: Bool = false,
        secure: Bool = true,
        skipVerify: Bool = false,
        rootDirectory: String = "",
        chunkSize: Int = S3Settings.defaultChunkSize
    ) {
        self.bucket = bucket
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.forcePathStyle = forcePathStyle
        self.secure = secure
        self.skipVerify = skipVerify
        self.rootDirectory = rootDirectory.split(separator: "/").joined(separator: "/")
        self.chunkSize = chunkSize
    }
}

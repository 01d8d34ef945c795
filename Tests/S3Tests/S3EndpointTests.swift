import S3
import Testing

@Suite struct S3EndpointTests {
    let credentials = S3Credentials(accessKey: "a", secretKey: "s")

    @Test func awsVirtualHostStyleIsTheDefault() {
        let endpoint = S3Endpoint(S3Settings(bucket: "cache", credentials: credentials, region: "eu-west-1"))
        #expect(endpoint.origin == "https://cache.s3.eu-west-1.amazonaws.com")
        #expect(endpoint.path(forKey: "blobs/sha256/ab") == "/blobs/sha256/ab")
        #expect(endpoint.path(forKey: nil) == "/")
    }

    @Test func pathStyleKeepsTheBucketInThePath() {
        let endpoint = S3Endpoint(S3Settings(bucket: "cache", credentials: credentials, endpoint: "minio.internal:9000", forcePathStyle: true, secure: false))
        #expect(endpoint.origin == "http://minio.internal:9000")
        #expect(endpoint.path(forKey: "k") == "/cache/k")
        #expect(endpoint.path(forKey: nil) == "/cache")
    }

    @Test func aSchemeInTheEndpointWinsOverSecure() {
        let endpoint = S3Endpoint(S3Settings(bucket: "b", credentials: credentials, endpoint: "https://s3.example.com:443/", forcePathStyle: false, secure: false))
        #expect(endpoint.origin == "https://b.s3.example.com")
        #expect(endpoint.hostHeader == "b.s3.example.com")
    }

    @Test func theRootDirectoryLosesItsSlashes() {
        #expect(S3Settings(bucket: "b", credentials: credentials, rootDirectory: "/a/b/").rootDirectory == "a/b")
    }
}

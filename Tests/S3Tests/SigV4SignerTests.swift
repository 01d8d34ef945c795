import Crypto
import Foundation
import Testing

@testable import S3

/// Vectors from AWS's published material:
/// - "Signature Version 4 test suite" (aws-sig-v4-test-suite, docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html):
///   credentials AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region us-east-1,
///   service `service`, time 20150830T123600Z, host example.amazonaws.com.
/// - Amazon S3 API reference, "Signature Calculations for the Authorization Header" (sig-v4-header-based-auth.html),
///   example "GET Object", and "Authenticating Requests: Using Query Parameters" (sigv4-query-string-auth.html):
///   AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, 20130524T000000Z, examplebucket.
@Suite struct SigV4SignerTests {
    static let suiteSigner = SigV4Signer(
        credentials: S3Credentials(accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service"
    )
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let suiteHeaders: [(name: String, value: String)] = [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]

    static let s3Signer = SigV4Signer(
        credentials: S3Credentials(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1"
    )
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    @Test func theTimestampIsTheAmzDateForm() {
        #expect(SigV4Signer.timestamp(Self.suiteDate) == "20150830T123600Z")
        #expect(SigV4Signer.timestamp(Self.s3Date) == "20130524T000000Z")
    }

    @Test("AWS test suite", arguments: [
        // get-vanilla
        ("GET", "/", [(String, String)](), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        // get-vanilla-query-order-key-case: parameters are sorted before signing
        ("GET", "/", [("Param2", "value2"), ("Param1", "value1")], "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        // get-vanilla-empty-query-key
        ("GET", "/", [("Param1", "value1")], "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"),
        // get-utf8: the path /ሴ, encoded once
        ("GET", "/%E1%88%B4", [], "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        // post-vanilla
        ("POST", "/", [], "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
    ])
    func suiteVector(method: String, path: String, query: [(String, String)], signature: String) {
        let request = SigV4Signer.Request(
            method: method, path: path, query: query.map { (name: $0.0, value: $0.1) },
            headers: Self.suiteHeaders, payloadHash: SigV4Signer.emptyPayloadHash
        )
        #expect(
            Self.suiteSigner.authorization(for: request, date: Self.suiteDate)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"
        )
    }

    /// post-x-www-form-urlencoded: a signed body and a third signed header.
    @Test func suiteFormPost() {
        let body = Array("Param1=value1".utf8)
        let request = SigV4Signer.Request(
            method: "POST", path: "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded")] + Self.suiteHeaders,
            payloadHash: SHA256.hash(data: body).hexString
        )
        let (signedHeaders, signature) = Self.suiteSigner.sign(request, date: Self.suiteDate)
        #expect(signedHeaders == "content-type;host;x-amz-date")
        #expect(signature == "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")
    }

    /// S3's "GET Object" example: a Range header and x-amz-content-sha256 signed.
    @Test func s3GetObjectExample() {
        let request = SigV4Signer.Request(
            method: "GET", path: "/test.txt",
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
            ],
            payloadHash: SigV4Signer.emptyPayloadHash
        )
        #expect(
            Self.s3Signer.authorization(for: request, date: Self.s3Date)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    /// S3's presigned URL example: GET examplebucket/test.txt for 86400 s.
    @Test func s3PresignedURLExample() {
        let query = Self.s3Signer.presignedQuery(method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", expires: 86400, date: Self.s3Date)
        #expect(
            query
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        )
    }

    @Test func theSecretNeverAppearsInADescription() {
        let credentials = S3Credentials(accessKey: "AKID", secretKey: "very-secret", sessionToken: "token-secret")
        for text in ["\(credentials)", String(reflecting: credentials), "\(S3Error.unreachable(operation: "GET k", TestFailure()))"] {
            #expect(!text.contains("very-secret") && !text.contains("token-secret"))
        }
    }

    @Test func keysAreEncodedOnceWithTheirSlashes() {
        #expect(URIEncoding.path("blobs/sha256/a b+c") == "blobs/sha256/a%20b%2Bc")
        #expect(URIEncoding.component("a/b=c") == "a%2Fb%3Dc")
    }
}

struct TestFailure: Error {}

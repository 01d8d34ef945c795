import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import S3
import Testing
import WharfTesting

/// The client against a real SeaweedFS S3 gateway (one per test run, a bucket per test).
@Suite struct S3ClientTests {
    /// Runs `body` with a client on a fresh bucket, shutting the HTTP client down after;
    /// `adjust` changes the settings first (another endpoint, say).
    func withClient(
        rootDirectory: String = "", secretKey: String? = nil, accessKey: String? = nil, bucket: String? = nil,
        adjust: (inout S3Settings) -> Void = { _ in }, _ body: (S3Client) async throws -> Void
    ) async throws {
        let peer = try await SeaweedFSPeer.shared()
        let name: String
        if let bucket { name = bucket } else { name = try await peer.makeBucket(prefix: "client") }
        var settings = peer.settings(bucket: name, rootDirectory: rootDirectory)
        if secretKey != nil || accessKey != nil {
            settings.credentials = S3Credentials(accessKey: accessKey ?? peer.accessKey, secretKey: secretKey ?? peer.secretKey)
        }
        adjust(&settings)
        let http = S3Client.makeHTTPClient(settings)
        do {
            try await body(S3Client(settings: settings, http: http))
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    @Test func anObjectIsStoredReadRangedAndDeleted() async throws {
        try await withClient { client in
            let bytes = Array("0123456789abcdefghij".utf8)
            try await client.putObject("dir/a b+c", bytes: bytes, contentType: "text/plain")
            let head = try #require(try await client.headObject("dir/a b+c"))
            #expect(head.size == 20)
            #expect(head.contentType == "text/plain")
            let whole = try #require(try await client.getObject("dir/a b+c", limit: 1024))
            #expect(whole.bytes == bytes)

            let ranged = try #require(try await client.streamObject("dir/a b+c", range: 5..<12))
            #expect(ranged.contentLength == 7)
            #expect(ranged.info.size == 20)
            var received: [UInt8] = []
            for try await chunk in ranged.body { received += chunk.readableBytesView }
            #expect(received == Array(bytes[5..<12]))

            try await client.deleteObject("dir/a b+c")
            #expect(try await client.headObject("dir/a b+c") == nil)
            #expect(try await client.getObject("dir/a b+c", limit: 1024) == nil)
        }
    }

    @Test func aConditionalCreateLosesToAnExistingKey() async throws {
        try await withClient { client in
            try await client.putObject("lease", bytes: Array("first".utf8), ifAbsent: true)
            await #expect {
                try await client.putObject("lease", bytes: Array("second".utf8), ifAbsent: true)
            } throws: { error in
                (error as? S3Error)?.isPreconditionFailed == true
            }
            #expect(try await client.getObject("lease", limit: 64)?.bytes == Array("first".utf8))
        }
    }

    @Test func listingPagesThroughEveryKeyUnderThePrefix() async throws {
        try await withClient(rootDirectory: "root/dir") { client in
            for index in 0..<5 { try await client.putObject("p/\(index)", bytes: [UInt8(index)]) }
            try await client.putObject("other/x", bytes: [9])
            let first = try await client.listObjects(prefix: "p/", maxKeys: 2)
            #expect(first.objects.map(\.key) == ["p/0", "p/1"])
            #expect(first.continuationToken != nil)
            let all = try await client.listAllObjects(prefix: "p/")
            #expect(all.map(\.key) == ["p/0", "p/1", "p/2", "p/3", "p/4"])
            #expect(all.allSatisfy { $0.size == 1 && $0.lastModified != nil })
        }
    }

    @Test func aMultipartUploadIsInvisibleUntilCompleted() async throws {
        try await withClient { client in
            let part1 = ByteBuffer(repeating: 0x61, count: S3Settings.minimumChunkSize)
            let part2 = ByteBuffer(bytes: Array("tail".utf8))
            let id = try await client.createMultipartUpload("big")
            let first = try await client.uploadPart("big", uploadID: id, number: 1, buffer: part1)
            let second = try await client.uploadPart("big", uploadID: id, number: 2, buffer: part2)
            #expect(try await client.headObject("big") == nil)
            let pending = try await client.listMultipartUploads(prefix: "")
            #expect(pending.contains { $0.key == "big" && $0.uploadID == id })
            try await client.completeMultipartUpload("big", uploadID: id, parts: [second, first])
            #expect(try await client.headObject("big")?.size == Int64(S3Settings.minimumChunkSize + 4))
            let tail = try #require(try await client.streamObject("big", range: Int64(S3Settings.minimumChunkSize)..<Int64(S3Settings.minimumChunkSize + 4)))
            var received: [UInt8] = []
            for try await chunk in tail.body { received += chunk.readableBytesView }
            #expect(received == Array("tail".utf8))
            #expect(try await !client.listMultipartUploads(prefix: "").contains { $0.uploadID == id })
        }
    }

    @Test func anAbortedUploadLeavesNothing() async throws {
        try await withClient { client in
            let id = try await client.createMultipartUpload("gone")
            _ = try await client.uploadPart("gone", uploadID: id, number: 1, buffer: ByteBuffer(bytes: [1, 2, 3]))
            try await client.abortMultipartUpload("gone", uploadID: id)
            #expect(try await client.headObject("gone") == nil)
            #expect(try await !client.listMultipartUploads(prefix: "").contains { $0.uploadID == id })
        }
    }

    @Test func aPresignedURLServesTheObjectToAnyone() async throws {
        try await withClient { client in
            try await client.putObject("shared", bytes: Array("presigned".utf8))
            let url = client.presignedURL("shared", expires: 300)
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
            #expect(response.status.code == 200)
            let body = try await response.body.collect(upTo: 1024)
            #expect(String(buffer: body) == "presigned")
        }
    }

    @Test func aWrongSecretIsATypedErrorThatNamesTheKeyAndHidesTheSecret() async throws {
        let peer = try await SeaweedFSPeer.shared()
        let bucket = try await peer.makeBucket(prefix: "wrong")
        try await withClient(secretKey: "not-the-secret-at-all", bucket: bucket) { client in
            do {
                _ = try await client.listObjects(prefix: "")
                Issue.record("a wrong secret was accepted")
            } catch let error as S3Error {
                #expect(error.serviceCode == "SignatureDoesNotMatch")
                #expect(error.suspect == .secretKey)
                #expect(!"\(error)".contains("not-the-secret-at-all"))
            }
        }
        try await withClient(accessKey: "nobody", bucket: bucket) { client in
            do {
                _ = try await client.listObjects(prefix: "")
                Issue.record("an unknown access key was accepted")
            } catch let error as S3Error {
                #expect(error.serviceCode == "InvalidAccessKeyId")
                #expect(error.suspect == .accessKey)
            }
        }
    }

    @Test func aMissingBucketAndAnUnreachableEndpointAreTold() async throws {
        try await withClient(bucket: "no-such-bucket-\(UUID().uuidString.lowercased().prefix(8))") { client in
            do {
                _ = try await client.listObjects(prefix: "")
                Issue.record("a missing bucket was listed")
            } catch let error as S3Error {
                #expect(error.serviceCode == "NoSuchBucket")
                #expect(error.suspect == .bucket)
            }
        }
        let settings = S3Settings(bucket: "b", credentials: S3Credentials(accessKey: "a", secretKey: "s"), endpoint: "http://127.0.0.1:\(try FreePort.make())", forcePathStyle: true)
        let http = S3Client.makeHTTPClient(settings)
        do {
            _ = try await S3Client(settings: settings, http: http).listObjects(prefix: "")
            Issue.record("an unreachable endpoint answered")
        } catch {
            #expect(error.isUnreachable)
            #expect(error.suspect == .endpoint)
        }
        try await http.shutdown()
    }
}

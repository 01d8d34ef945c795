import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import S3
import Synchronization
import Testing
import WharfTesting

/// The client over TLS: a real nginx terminating TLS (a test CA's certificate) in front of the
/// run's SeaweedFS S3 gateway, as a bucket behind an HTTPS endpoint is reached.
@Suite struct S3TLSClientTests {
    /// Runs `body` with a client on a fresh bucket reached through nginx over TLS.
    func withTLSClient(skipVerify: Bool, _ body: (S3Client) async throws -> Void) async throws {
        let peer = try await SeaweedFSPeer.shared()
        let bucket = try await peer.makeBucket(prefix: "tls")
        let folder = try TemporaryFolder(prefix: "wharf-s3-tls")
        let authority = try await TestCertificateAuthority.make(in: folder)
        let leaf = try await authority.issue("nginx")
        let nginx = try await NginxPeer.startTLS(backend: peer.endpoint.replacingOccurrences(of: "http://", with: ""), certificate: leaf.certificatePath, key: leaf.keyPath)
        var settings = peer.settings(bucket: bucket)
        settings.endpoint = "https://\(nginx.hostPort)"
        settings.secure = true
        settings.skipVerify = skipVerify
        let http = S3Client.makeHTTPClient(settings)
        let outcome: Result<Void, any Error>
        do {
            try await body(S3Client(settings: settings, http: http))
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await http.shutdown()
        await nginx.stop()
        folder.remove()
        try outcome.get()
    }

    func relay(_ client: S3Client, _ key: String, _ range: Range<Int64>) async throws -> [UInt8] {
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let collected = Mutex<[UInt8]>([])
        let relay = client.relayObject(key, range: range, on: eventLoop) { piece in
            collected.withLock { $0 += piece.readableBytesView }
            return eventLoop.makeSucceededVoidFuture()
        }
        try await relay.done.get()
        return collected.withLock { $0 }
    }

    @Test func withSkipVerifyObjectsAreWrittenStreamedAndRelayedOverTLS() async throws {
        try await withTLSClient(skipVerify: true) { client in
            let bytes = (0..<2_500_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
            try await client.putObject("tls/object", buffer: ByteBuffer(bytes: bytes))
            let head = try #require(try await client.headObject("tls/object"))
            #expect(head.size == 2_500_000)
            #expect(try await relay(client, "tls/object", 0..<2_500_000) == bytes)
            #expect(try await relay(client, "tls/object", 1_000_000..<1_000_100) == Array(bytes[1_000_000..<1_000_100]))
            let stream = try #require(try await client.streamObject("tls/object", range: 10..<20))
            var streamed: [UInt8] = []
            for try await piece in stream.body { streamed += piece.readableBytesView }
            #expect(streamed == Array(bytes[10..<20]))
        }
    }

    @Test func withoutSkipVerifyACertificateNotTrustedFailsBothWays() async throws {
        try await withTLSClient(skipVerify: false) { client in
            await #expect { _ = try await client.headObject("anything") } throws: { error in
                (error as? S3Error)?.isUnreachable == true
            }
            await #expect { _ = try await relay(client, "anything", 0..<10) } throws: { error in
                (error as? S3Error)?.isUnreachable == true && "\(error)".lowercased().contains("certificate")
            }
        }
    }
}

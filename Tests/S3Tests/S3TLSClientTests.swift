import AsyncHTTPClient
import Foundation
import NIOCore
import S3
import Testing
import WharfTesting

/// The client over TLS: a real nginx terminating TLS (a test CA's certificate) in front of the
/// run's SeaweedFS S3 gateway, as a bucket behind an HTTPS endpoint is reached.
@Suite struct S3TLSClientTests {
    /// Runs `body` with a client on a fresh bucket reached through nginx over TLS.
    func withTLSClient(skipVerify: Bool, _ body: (S3Client) async throws -> Void) async throws {
        let peer = try await SeaweedFSPeer.shared()
        let folder = try TemporaryFolder(prefix: "wharf-s3-tls")
        defer { folder.remove() }
        let authority = try await TestCertificateAuthority.make(in: folder)
        let leaf = try await authority.issue("nginx")
        let nginx = try await NginxPeer.startTLS(backend: peer.endpoint.replacingOccurrences(of: "http://", with: ""), certificate: leaf.certificatePath, key: leaf.keyPath)
        do {
            try await S3ClientTests().withClient(adjust: { settings in
                settings.endpoint = "https://\(nginx.hostPort)"
                settings.secure = true
                settings.skipVerify = skipVerify
            }, body)
        } catch {
            await nginx.stop()
            throw error
        }
        await nginx.stop()
    }

    @Test func withSkipVerifyObjectsAreWrittenStreamedAndRelayedOverTLS() async throws {
        try await withTLSClient(skipVerify: true) { client in
            let bytes = (0..<2_500_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
            try await client.putObject("tls/object", buffer: ByteBuffer(bytes: bytes))
            let head = try #require(try await client.headObject("tls/object"))
            #expect(head.size == 2_500_000)
            #expect(try await S3RelayClientTests().relay(client, "tls/object", 0..<2_500_000) == bytes)
            #expect(try await S3RelayClientTests().relay(client, "tls/object", 1_000_000..<1_000_100) == Array(bytes[1_000_000..<1_000_100]))
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
            await #expect { _ = try await S3RelayClientTests().relay(client, "anything", 0..<10) } throws: { error in
                (error as? S3Error)?.isUnreachable == true && "\(error)".lowercased().contains("certificate")
            }
        }
    }
}

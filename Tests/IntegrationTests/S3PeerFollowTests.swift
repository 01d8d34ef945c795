import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import S3
import Testing
import WharfTesting

@Suite("an instance streams a blob from the instance downloading it (storage.s3.peerurl)")
struct S3PeerFollowTests {
    @Test("B's client gets its first byte while A is still downloading, from A, with one upstream fetch")
    func followsTheDownloadingInstance() async throws {
        let mebibyte = 1024 * 1024
        let (liar, layer) = try await LyingUpstream.trickling(layerSize: 24 * mebibyte, seed: 155, bytesPerSecond: 2 * mebibyte)
        let fleet = try await S3Fleet.start("peer", count: 2, upstreamURL: liar.url, peerURLs: true)
        let (a, b) = (fleet.instances[0], fleet.instances[1])
        let path = "/v2/library/test/blobs/\(layer.digest)"

        var onA = try await OpenTransfer(a.url + path)
        #expect(onA.status == .ok)
        try await onA.read(atLeast: mebibyte)

        var onB = try await OpenTransfer(b.url + path)
        #expect(onB.status == .ok)
        try await onB.read(atLeast: 1)
        #expect(!onB.bytes.isEmpty)
        let storedByA = a.log().contains("blob stored")
        #expect(!storedByA, "B's first byte must come before A's download completed")
        let followed = b.log().contains("streaming it from there")
        #expect(followed, "B follows A rather than waiting for the bucket:\n\(b.log().suffix(1500))")

        try await onB.readToEnd()
        try await onA.readToEnd()
        #expect(TestBlob.digest(of: onA.bytes) == layer.digest)
        #expect(TestBlob.digest(of: onB.bytes) == layer.digest)
        #expect(liar.requests().filter { $0 == "GET \(path)" }.count == 1, "one upstream fetch for the fleet: \(liar.requests())")
        #expect(!b.log().contains("fetching blob"))

        // A stored it; B answers the next request from the bucket.
        try await a.waitForLog(containing: "blob stored")
        let warm = try await HTTPProbe.send(.GET, b.url + path)
        #expect(warm.status == 200 && warm.headers.first(name: "X-Wharf-Cache") == "hit")
        #expect(TestBlob.digest(of: warm.bytes) == layer.digest)
        let stored = try await fleet.withBucket { try await $0.listAllObjects(prefix: "blobs/") }
        #expect(stored.map(\.key) == ["blobs/sha256/\(layer.hex)"])
        await fleet.stop()
        await liar.stop()
    }
}

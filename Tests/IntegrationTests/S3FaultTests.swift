import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import S3
import Testing
import WharfTesting

@Suite("Wharf on a SeaweedFS that loses a part (multi-process layout)")
struct S3FaultTests {
    static func verify(_ wharf: WharfProcess) async throws -> ProcessResult {
        try await Command.run(try WharfProcess.binaryPath(), ["store", "verify", "--config", wharf.configPath])
    }

    @Test("a volume server killed: warm blobs still served from the replica, cold ones a clean 503, no crash; all well once it is back")
    func volumeServerKilled() async throws {
        let image = try ImageFactory.image(layerSizes: [6 * 1024 * 1024 + 17, 300_000], seed: 153)
        let (warm, cold) = (image.layers[0], image.layers[1])
        let cluster = try await SeaweedFSCluster.start()
        let fixture = try await PullFixture.start("s3-volume", images: [("library/app", "v1", image)])
        let fleet = try await S3Fleet.start("volume", count: 1, upstreamURL: fixture.upstream.url, peer: cluster.gateway)
        let wharf = fleet.instances[0]
        let first = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/app/blobs/\(warm.digest)")
        #expect(first.status == 200 && first.bytes == warm.bytes)

        await cluster.killVolume(0)
        #expect(!cluster.volumeIsRunning(0))
        // Replication 001: the other volume server has a copy of every object.
        let fromReplica = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/app/blobs/\(warm.digest)")
        #expect(fromReplica.status == 200, "\(fromReplica.status) \(fromReplica.body.prefix(500))")
        #expect(fromReplica.bytes == warm.bytes)
        // A write needs both copies: the fetch lease cannot be written, so the cold blob fails cleanly.
        let refused = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/app/blobs/\(cold.digest)")
        #expect(refused.status == 503, "\(refused.status) \(refused.body.prefix(500))")
        #expect(refused.errorCode == "UNAVAILABLE", "an OCI JSON error body: \(refused.body.prefix(500))")
        #expect(!refused.body.contains(cluster.gateway.secretKey))
        #expect(wharf.isRunning)
        #expect(try await HTTPProbe.send(.GET, wharf.url + "/healthz").status == 200)
        // The bucket still lists (the filer holds the metadata), so readiness has nothing to say.
        let ready = try await HTTPProbe.send(.GET, wharf.url + "/readyz")
        #expect(ready.status == 200, "\(ready.body)")

        try await cluster.restartVolume(0)
        let recovered = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/app/blobs/\(cold.digest)")
        #expect(recovered.status == 200, "\(recovered.status) \(recovered.body.prefix(500))")
        #expect(recovered.bytes == cold.bytes)
        let pulled = try await Skopeo.copy("docker://\(wharf.hostPort)/library/app:v1", "dir:\(fleet.folder.file("after"))", arguments: ["--src-tls-verify=false"])
        #expect(pulled.status == 0, "\(pulled.summary)")
        let stored = try await fleet.withBucket { try await $0.listAllObjects(prefix: "blobs/") }
        #expect(Set(stored.map(\.key)) == Set(image.blobs.map { "blobs/sha256/\($0.hex)" }))
        let verified = try await Self.verify(wharf)
        #expect(verified.status == 0, "\(verified.summary)")
        #expect(verified.stdout.contains(": 0 corrupt"), "\(verified.stdout)")
        #expect(wharf.isRunning)

        await fleet.stop()
        await fixture.stop()
        await cluster.stop()
    }

    @Test("kill -9 of the lease holder mid-blob: the survivor takes the lease over, every client completes, nothing corrupt, the abandoned upload aborted by gc")
    func leaseHolderKilledMidBlob() async throws {
        let mebibyte = 1024 * 1024
        let (liar, layer) = try await LyingUpstream.trickling(layerSize: 32 * mebibyte, seed: 154, bytesPerSecond: 4 * mebibyte)
        let knobs = ["WHARF_TEST_S3_LEASE_SECONDS": "3", "WHARF_TEST_S3_ABANDONED_UPLOAD_SECONDS": "1"]
        // A SeaweedFS of its own: on the shared one, loaded by every other test, a conditional
        // create was seen to let B's lease through beside A's (two fetches, allowed, but then
        // nothing is taken over).
        let seaweed = try await SeaweedFSPeer.start()
        let fleet = try await S3Fleet.start("midblob", count: 2, upstreamURL: liar.url, peer: seaweed, environment: knobs)
        let (a, b) = (fleet.instances[0], fleet.instances[1])
        let path = "/v2/library/test/blobs/\(layer.digest)"

        // The first client asks A, so A takes the lease and streams the blob as it arrives.
        var onA = try await OpenTransfer(a.url + path)
        #expect(onA.status == .ok)
        try await onA.read(atLeast: 2 * mebibyte)
        async let onB1 = StreamedAnswer.get(b.url + path)
        async let onB2 = StreamedAnswer.get(b.url + path)
        try await b.waitForLog(containing: "another instance is fetching the blob")
        // Killed once A's multipart upload is in the bucket (a 5 MiB part sent), long before
        // the download's end: the upstream trickles the 32 MiB over 8 s.
        let uploading = try await fleet.withBucket { bucket in
            for _ in 0..<200 {
                if try await bucket.listMultipartUploads(prefix: "blobs/").contains(where: { $0.key == "blobs/sha256/\(layer.hex)" }) { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        try #require(uploading, "A's multipart upload never showed in the bucket")
        #expect(!a.log().contains("blob stored"), "A is killed mid-download")
        a.send(SIGKILL)
        var cut = false
        do {
            try await onA.readToEnd()
        } catch {
            cut = true
        }
        #expect(cut, "A's client must see its transfer cut")
        #expect(onA.bytes.count < layer.size, "A died mid-blob: \(onA.bytes.count) of \(layer.size) bytes")
        #expect(try await a.waitForExit(timeout: .seconds(10)) != 0)
        let pending = try await fleet.withBucket { try await $0.listMultipartUploads(prefix: "blobs/") }
        #expect(pending.contains { $0.key == "blobs/sha256/\(layer.hex)" }, "A's upload is left pending: \(pending.map(\.key))")

        // A's client resumes where it was cut, on the instance that is still there (as containerd does).
        let resumed = try await HTTPProbe.send(.GET, b.url + path, headers: [("Range", "bytes=\(onA.bytes.count)-")])
        if resumed.status == 206 {
            onA.append(resumed.bytes)
        } else {
            #expect(resumed.status == 200, "\(resumed.status) \(resumed.body.prefix(300))")
            onA.replaceBytes(resumed.bytes)
        }
        #expect(TestBlob.digest(of: onA.bytes) == layer.digest, "the resumed download has the blob's bytes")
        for answer in [try await onB1, try await onB2] {
            #expect(answer.status == 200)
            #expect(answer.failure == nil, "\(String(describing: answer.failure))")
            #expect(TestBlob.digest(of: answer.bytes) == layer.digest)
        }
        // B took the lease over once it expired and fetched the blob itself: two fetches at worst.
        #expect(liar.requests().filter { $0 == "GET \(path)" }.count == 2, "\(liar.requests())")
        #expect(b.log().contains("fetching blob"))

        let stored = try await fleet.withBucket { try await $0.listAllObjects(prefix: "blobs/") }
        #expect(stored.map(\.key) == ["blobs/sha256/\(layer.hex)"])
        let content = try await fleet.withBucket { try await $0.getObject("blobs/sha256/\(layer.hex)", limit: 64 << 20)?.bytes }
        #expect(content.map { TestBlob.digest(of: $0) } == layer.digest, "the object under the digest holds the blob's bytes")
        let leases = try await fleet.withBucket { try await $0.listAllObjects(prefix: "leases/") }
        #expect(leases.isEmpty, "leases left behind: \(leases.map(\.key))")
        let verified = try await Self.verify(b)
        #expect(verified.status == 0 && verified.stdout.contains(": 0 corrupt"), "\(verified.summary)")

        // A's pending upload is what `wharf gc` aborts (with the test's one-second abandoned age).
        let collected = try await Command.run(try WharfProcess.binaryPath(), ["gc", "--config", b.configPath], environment: knobs)
        #expect(collected.status == 0, "\(collected.summary)")
        #expect(collected.stdout.contains("aborted 1 abandoned multipart uploads"), "\(collected.stdout)")
        #expect(try await fleet.withBucket { try await $0.listMultipartUploads(prefix: "") }.isEmpty)
        #expect(b.isRunning)
        await fleet.stop()
        await liar.stop()
        await seaweed.stop()
        seaweed.folder.remove()
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import S3
import Testing
import WharfTesting

@Suite("Wharf instances on one S3 bucket (SeaweedFS)")
struct S3StorageTests {
    /// A small config blob, a layer under one part and one of three parts (chunksize 5 MiB).
    static let image = try! ImageFactory.image(layerSizes: [200_000, 11 * 1024 * 1024 + 321], seed: 150)

    @Test("a blob pulled through one instance is served by the other with no upstream request")
    func sharedCache() async throws {
        let fixture = try await PullFixture.start("s3-shared", images: [("library/app", "v1", Self.image)])
        let fleet = try await S3Fleet.start("shared", count: 2, upstreamURL: fixture.upstream.url)
        let (a, b) = (fleet.instances[0], fleet.instances[1])
        let first = try await Skopeo.copy("docker://\(a.hostPort)/library/app:v1", "dir:\(fleet.folder.file("through-a"))", arguments: ["--src-tls-verify=false"])
        #expect(first.status == 0, "\(first.summary)")
        var fetched: [String: Int] = [:]
        for blob in Self.image.blobs {
            fetched[blob.digest] = try await fixture.upstream.waitForRequestCount(method: "GET", pathContains: "/blobs/\(blob.digest)", atLeast: 1)
        }
        let manifestsBefore = fixture.upstream.requestCount(method: "GET", pathContains: "/manifests/")

        let second = try await Skopeo.copy("docker://\(b.hostPort)/library/app:v1", "dir:\(fleet.folder.file("through-b"))", arguments: ["--src-tls-verify=false"])
        #expect(second.status == 0, "\(second.summary)")
        #expect(try PullFixture.files(in: fleet.folder.file("through-a")) == PullFixture.files(in: fleet.folder.file("through-b")))
        for blob in Self.image.blobs {
            #expect(fixture.upstream.requestCount(method: "GET", pathContains: "/blobs/\(blob.digest)") == fetched[blob.digest], "B fetched \(blob.digest) upstream")
            let answer = try await HTTPProbe.send(.GET, b.url + "/v2/library/app/blobs/\(blob.digest)")
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: "X-Wharf-Cache") == "hit")
            #expect(answer.bytes == blob.bytes)
        }
        // The tag record in the bucket says when A confirmed it: within proxy.tagttl, B asks nobody.
        #expect(fixture.upstream.requestCount(method: "GET", pathContains: "/manifests/") == manifestsBefore)

        // Ranges come from the bucket too.
        let layer = Self.image.layers[1]
        let ranged = try await HTTPProbe.send(.GET, b.url + "/v2/library/app/blobs/\(layer.digest)", headers: [("Range", "bytes=5242870-5242889")])
        #expect(ranged.status == 206)
        #expect(ranged.bytes == Array(layer.bytes[5_242_870..<5_242_890]))

        let stored = try await fleet.withBucket { try await $0.listAllObjects(prefix: "blobs/") }
        #expect(Set(stored.map(\.key)) == Set(Self.image.blobs.map { "blobs/sha256/\($0.hex)" }))
        #expect(try await fleet.withBucket { try await $0.listMultipartUploads(prefix: "") }.isEmpty)

        // SIGTERM: B stops within the drain and writes its batch of last uses on the way out.
        b.send(SIGTERM)
        #expect(try await b.waitForExit(timeout: .seconds(20)) == 0)
        let uses = try await fleet.withBucket { try await $0.listAllObjects(prefix: "uses/") }
        #expect(!uses.isEmpty, "B served hits; their last uses must reach the bucket")
        await fleet.stop()
        await fixture.stop()
    }

    @Test("an upstream that lies about a blob leaves nothing in the bucket", arguments: [LyingUpstreamMode.wrongBytes, .truncated])
    func lyingUpstream(_ mode: LyingUpstreamMode) async throws {
        let image = try ImageFactory.image(layerSizes: [7 * 1024 * 1024, 300_000], seed: 151)
        let liar = try await LyingUpstream.start(mode: mode)
        liar.serve(image, repository: "library/test", tag: "latest")
        let fleet = try await S3Fleet.start("liar", count: 1, upstreamURL: liar.url)
        let wharf = fleet.instances[0]
        for layer in image.layers {
            let answer = try await StreamedAnswer.get(wharf.url + "/v2/library/test/blobs/\(layer.digest)")
            #expect(answer.status != 200 || answer.endedShort, "a lying blob must never arrive whole")
        }
        try await Task.sleep(for: .milliseconds(500))
        let stored = try await fleet.withBucket { try await $0.listAllObjects(prefix: "blobs/") }
        #expect(stored.isEmpty, "stored: \(stored.map(\.key))")
        #expect(try await fleet.withBucket { try await $0.listMultipartUploads(prefix: "") }.isEmpty)
        #expect(wharf.isRunning)
        await fleet.stop()
        await liar.stop()
    }

    @Test("wrong credentials or an unreachable endpoint: start-up names the key, never the secret")
    func wrongSettings() async throws {
        let peer = try await SeaweedFSPeer.shared()
        let bucket = try await peer.makeBucket(prefix: "wrong")
        let folder = try TemporaryFolder(prefix: "wharf-s3-wrong")
        defer { folder.remove() }
        let cases = [
            ("storage.s3.secretkey", S3Fleet.storageYAML(peer: peer, bucket: bucket, secretKey: "not-the-right-secret")),
            ("storage.s3.regionendpoint", S3Fleet.storageYAML(peer: peer, bucket: bucket, endpoint: "http://127.0.0.1:\(try FreePort.make())")),
            ("storage.s3.bucket", S3Fleet.storageYAML(peer: peer, bucket: "no-such-bucket-\(UUID().uuidString.lowercased().prefix(6))")),
        ]
        for (index, (key, yaml)) in cases.enumerated() {
            do {
                let wharf = try await WharfProcess.start(in: folder, upstreamURL: "http://127.0.0.1:1", name: "wrong-\(index)", storageDriverYAML: yaml)
                Issue.record("Wharf started with a wrong \(key)")
                await wharf.stop()
            } catch {
                let log = LogFileText.read(folder.file("wrong-\(index).log"))
                #expect(log.contains(key), "the start-up error must name \(key):\n\(log.suffix(1500))")
                #expect(!log.contains("not-the-right-secret") && !log.contains(peer.secretKey))
            }
        }
    }

    @Test("/readyz is 503 naming the store while the bucket is unreachable")
    func readinessFollowsTheBucket() async throws {
        let peer = try await SeaweedFSPeer.start()
        let fixture = try await PullFixture.start("s3-ready")
        let fleet = try await S3Fleet.start("ready", count: 1, upstreamURL: fixture.upstream.url, peer: peer)
        let wharf = fleet.instances[0]
        #expect(try await HTTPProbe.send(.GET, wharf.url + "/readyz").status == 200)
        peer.kill()
        let answer = try await HTTPProbe.send(.GET, wharf.url + "/readyz")
        #expect(answer.status == 503)
        #expect(answer.body.contains("s3://\(fleet.bucket)"), "\(answer.body)")
        #expect(wharf.isRunning)
        await fleet.stop()
        await fixture.stop()
        await peer.stop()
        peer.folder.remove()
    }

    @Test("with storage.redirect, a warm blob is a 307 to a presigned URL that serves it")
    func redirect() async throws {
        let fixture = try await PullFixture.start("s3-redirect", images: [("library/app", "v1", Self.image)])
        let fleet = try await S3Fleet.start("redirect", count: 1, upstreamURL: fixture.upstream.url, storageYAML: "  redirect:\n    disable: false")
        let wharf = fleet.instances[0]
        let layer = Self.image.layers[0]
        let cold = try await HTTPProbe.send(.GET, wharf.url + "/v2/library/app/blobs/\(layer.digest)")
        #expect(cold.status == 200)
        #expect(cold.bytes == layer.bytes)
        var noRedirects = HTTPClient.Configuration()
        noRedirects.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: noRedirects)
        let warm = try await client.execute(HTTPClientRequest(url: wharf.url + "/v2/library/app/blobs/\(layer.digest)"), timeout: .seconds(30))
        try await client.shutdown()
        #expect(warm.status == .temporaryRedirect)
        let location = try #require(warm.headers.first(name: "Location"))
        #expect(location.contains("X-Amz-Signature="))
        let fromBucket = try await HTTPProbe.send(.GET, location)
        #expect(fromBucket.status == 200)
        #expect(fromBucket.bytes == layer.bytes)
        let pulled = try await Skopeo.copy("docker://\(wharf.hostPort)/library/app:v1", "dir:\(fleet.folder.file("out"))", arguments: ["--src-tls-verify=false"])
        #expect(pulled.status == 0, "\(pulled.summary)")
        await fleet.stop()
        await fixture.stop()
    }

    @Test("8 concurrent cold pulls spread over two instances make one upstream fetch of each blob")
    func oneFetchForTheFleet() async throws {
        let fixture = try await PullFixture.start("s3-fleet", images: [("library/app", "v1", Self.image)])
        let fleet = try await S3Fleet.start("fleet", count: 2, upstreamURL: fixture.upstream.url)
        let results = try await withThrowingTaskGroup(of: ProcessResult.self) { group in
            for client in 0..<8 {
                let wharf = fleet.instances[client % 2]
                group.addTask {
                    try await Skopeo.copy("docker://\(wharf.hostPort)/library/app:v1", "dir:\(fleet.folder.file("out-\(client)"))", arguments: ["--src-tls-verify=false"])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result.status == 0, "\(result.summary)") }
        for blob in Self.image.blobs {
            #expect(fixture.upstream.requestCount(method: "GET", pathContains: "/blobs/\(blob.digest)") == 1, "\(blob.digest) fetched more than once")
        }
        let leases = try await fleet.withBucket { try await $0.listAllObjects(prefix: "leases/") }
        #expect(leases.isEmpty, "leases left behind: \(leases.map(\.key))")
        await fleet.stop()
        await fixture.stop()
    }

    @Test("kill -9 of the instance holding a blob's lease: clients complete on retry, the bucket holds nothing corrupt")
    func leaseHolderKilled() async throws {
        let image = try ImageFactory.image(layerSizes: [6 * 1024 * 1024], seed: 152)
        let layer = image.layers[0]
        let liar = try await LyingUpstream.start(mode: .hang)
        liar.serve(image, repository: "library/test", tag: "latest")
        let fleet = try await S3Fleet.start("killed", count: 2, upstreamURL: liar.url)
        let (a, b) = (fleet.instances[0], fleet.instances[1])
        let url = "/v2/library/test/blobs/\(layer.digest)"
        // A takes the lease and hangs on the upstream; B's clients wait for the lease.
        async let onA = StreamedAnswer.get(a.url + url)
        try await a.waitForLog(containing: "fetching blob")
        async let onB1 = StreamedAnswer.get(b.url + url)
        async let onB2 = StreamedAnswer.get(b.url + url)
        try await b.waitForLog(containing: "another instance is fetching the blob")
        a.send(SIGKILL)
        liar.mode = .correct
        let cut = try? await onA
        #expect(cut?.bytes != layer.bytes, "A's client cannot have the blob: A died before any byte")
        // A's client retries, as real clients do, on the instance that is still there.
        let retried = try await StreamedAnswer.get(b.url + url)
        for answer in [try await onB1, try await onB2, retried] {
            #expect(answer.status == 200)
            #expect(answer.failure == nil)
            #expect(answer.bytes == layer.bytes)
        }
        let stored = try await fleet.withBucket { client in
            try await client.listAllObjects(prefix: "blobs/")
        }
        #expect(stored.map(\.key) == ["blobs/sha256/\(layer.hex)"])
        let content = try await fleet.withBucket { try await $0.getObject("blobs/sha256/\(layer.hex)", limit: 16 << 20)?.bytes }
        #expect(content == layer.bytes)
        await fleet.stop()
        await liar.stop()
    }

    @Test("skopeo pulls through nginx round-robin in front of two instances")
    func loadBalanced() async throws {
        let fixture = try await PullFixture.start("s3-balanced", images: [("library/app", "v1", Self.image)])
        let fleet = try await S3Fleet.start("balanced", count: 2, upstreamURL: fixture.upstream.url)
        let nginx = try await NginxPeer.start(backends: fleet.instances.map(\.hostPort))
        for round in 0..<2 {
            let pulled = try await Skopeo.copy("docker://\(nginx.hostPort)/library/app:v1", "dir:\(fleet.folder.file("out-\(round)"))", arguments: ["--src-tls-verify=false"])
            #expect(pulled.status == 0, "\(pulled.summary)")
        }
        #expect(Set(nginx.backends(uriContains: "/v2/")).count == 2, "both instances answered")
        for blob in Self.image.blobs {
            #expect(fixture.upstream.requestCount(method: "GET", pathContains: "/blobs/\(blob.digest)") == 1)
        }
        await nginx.stop()
        await fleet.stop()
        await fixture.stop()
    }
}

enum LogFileText {
    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}

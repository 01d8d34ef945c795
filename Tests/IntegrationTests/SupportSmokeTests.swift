import Foundation
import Testing
import WharfTesting

/// Proves the WharfTesting helpers work against the real peers (docker-registry, skopeo, tar, gzip, curl).
@Suite("Support smoke tests")
struct SupportSmokeTests {
    // MARK: - Processes

    @Test("Command.run captures output and kills on timeout; locate names the apt-get command")
    func commandRunsAndTimesOut() async throws {
        let echoed = try await Command.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(echoed == ProcessResult(status: 3, stdout: "out\n", stderr: "err\n"))

        let withEnvironment = try await Command.run("/bin/sh", ["-c", "echo $WHARF_SMOKE"], environment: ["WHARF_SMOKE": "yes"])
        #expect(withEnvironment.stdout == "yes\n")

        let started = ContinuousClock.now
        let timeout = await #expect(throws: TestSupportError.self) {
            try await Command.run("/bin/sleep", ["30"], timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(timeout?.description.contains("did not finish") == true)

        let missing = #expect(throws: TestSupportError.self) {
            try Command.locate("wharf-no-such-tool", debianPackage: "wharf-no-such-package")
        }
        #expect(missing?.description == "wharf-no-such-tool not found: apt-get install -y wharf-no-such-package")
        #expect(try Command.locate("docker-registry", debianPackage: "docker-registry").hasSuffix("/docker-registry"))
    }

    @Test("PeerProcess reports an early exit with its log, and stop() ends a running child")
    func peerProcessLifecycle() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-smoke-peer")
        let failing = try PeerProcess("/bin/sh", ["-c", "echo boom-from-child; exit 7"], in: folder, name: "failing")
        let error = await #expect(throws: TestSupportError.self) {
            try await failing.waitForPort(try FreePort.make(), timeout: .seconds(10))
        }
        #expect(error?.description.contains("status 7") == true)
        #expect(error?.description.contains("boom-from-child") == true)

        let sleeper = try PeerProcess("/bin/sleep", ["60"], in: folder, name: "sleeper")
        #expect(sleeper.isRunning)
        await sleeper.stop()
        #expect(!sleeper.isRunning)
        // The signal that ended it, not the time taken, tells SIGTERM from the SIGKILL after 5 s
        // (a timing bound failed at 8 s on a loaded machine).
        #expect(sleeper.exitStatus == SIGTERM, "SIGTERM should end it, not the SIGKILL that follows")

        var abandoned: PeerProcess? = try PeerProcess("/bin/sleep", ["60"], in: folder, name: "abandoned")
        let abandonedID = try #require(abandoned?.processIdentifier)
        abandoned = nil
        try await Task.sleep(for: .milliseconds(300))
        let state = (try? String(contentsOfFile: "/proc/\(abandonedID)/status", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("State:") }
        #expect(state == nil || state?.contains("Z") == true, "deinit kills the child")
        folder.remove()
    }

    // MARK: - Images

    @Test("ImageFactory layers are real tar.gz archives of about the requested size with matching diff_ids")
    func layersAreRealTarGz() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-smoke-layers")
        let tar = try Command.locate("tar", debianPackage: "tar")
        let gzip = try Command.locate("gzip", debianPackage: "gzip")
        let sha256sum = try Command.locate("sha256sum", debianPackage: "coreutils")
        let sizes = [2_000, 70_000, 300_000]
        let image = try ImageFactory.image(layerSizes: sizes, seed: 42)
        #expect(try ImageFactory.image(layerSizes: sizes, seed: 42) == image)
        #expect(try ImageFactory.image(layerSizes: sizes, seed: 43).manifestDigest != image.manifestDigest)

        let config = try #require(try JSONSerialization.jsonObject(with: Data(image.config.bytes)) as? [String: Any])
        let rootfs = try #require(config["rootfs"] as? [String: Any])
        let diffIDs = try #require(rootfs["diff_ids"] as? [String])
        #expect(diffIDs.count == 3)
        #expect(config["architecture"] as? String == "amd64")

        for (index, layer) in image.layers.enumerated() {
            #expect(abs(layer.size - sizes[index]) < 2_048, "layer \(index) is \(layer.size) bytes")
            let path = folder.file("layer-\(index).tar.gz")
            try Data(layer.bytes).write(to: URL(fileURLWithPath: path))
            let listing = try await Command.run(tar, ["-tzvf", path])
            #expect(listing.status == 0, "\(listing.stderr)")
            #expect(listing.stdout.contains("layer-\(index).bin"))
            let gzipTest = try await Command.run(gzip, ["-t", path])
            #expect(gzipTest.status == 0, "\(gzipTest.stderr)")
            let uncompressed = try await Command.run("/bin/sh", ["-c", "'\(gzip)' -dc < '\(path)' | '\(sha256sum)'"])
            #expect("sha256:" + (uncompressed.stdout.split(separator: " ").first ?? "") == diffIDs[index])
        }
        folder.remove()
    }

    // MARK: - docker-registry and skopeo

    @Test("A seeded docker-registry serves the exact bytes to skopeo, and its access log counts the blob GET")
    func seededRegistryServesSkopeo() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-smoke-registry")
        let registry = try await DockerRegistryPeer.start(in: folder)
        let image = try ImageFactory.image(layerSizes: [2_000, 70_000, 300_000], seed: 1)
        let seeder = RegistrySeeder(baseURL: registry.url)
        try await seeder.push(image, repository: "library/test", tag: "latest")
        try await seeder.shutdown()
        let largest = image.layers[2].digest
        #expect(registry.requestCount(method: "GET", pathContains: largest) == 0)
        #expect(try await registry.waitForRequestCount(method: "PUT", pathContains: "/manifests/latest", atLeast: 1) == 1)

        let out = folder.file("out")
        let copy = try await Skopeo.copy(
            "docker://\(registry.hostAndPort)/library/test:latest", "dir:\(out)",
            arguments: ["--src-tls-verify=false"]
        )
        #expect(copy.status == 0, "\(copy.stderr)")
        for blob in image.blobs {
            let copied = FileManager.default.contents(atPath: "\(out)/\(blob.hex)")
            #expect(copied.map { Array($0) } == blob.bytes, "blob \(blob.digest)")
        }
        #expect(FileManager.default.contents(atPath: "\(out)/manifest.json").map { Array($0) } == image.manifest)
        #expect(try await registry.waitForRequestCount(method: "GET", pathContains: largest, atLeast: 1) == 1)

        // Restart keeps port, storage and the accumulated access log.
        try await registry.restart()
        let raw = try await Skopeo.inspectRaw(
            "docker://\(registry.hostAndPort)/library/test:latest", arguments: ["--tls-verify=false"]
        )
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(Array(raw.stdout.utf8) == image.manifest)
        #expect(registry.requestCount(method: "GET", pathContains: largest) == 1)
        await registry.stop()
        #expect(!registry.isRunning)
        folder.remove()
    }

    @Test("An index pushed by the seeder is served unchanged and skopeo picks the arm64 image")
    func seededIndex() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-smoke-index")
        let registry = try await DockerRegistryPeer.start(in: folder)
        let amd64 = try ImageFactory.image(layerSizes: [10_000], seed: 2, architecture: "amd64")
        let arm64 = try ImageFactory.image(layerSizes: [12_000], seed: 3, architecture: "arm64")
        let index = ImageFactory.index([amd64, arm64])
        let seeder = RegistrySeeder(baseURL: registry.url)
        try await seeder.push(index, repository: "library/multi", tag: "1.0")
        try await seeder.shutdown()

        let raw = try await Skopeo.inspectRaw("docker://\(registry.hostAndPort)/library/multi:1.0", arguments: ["--tls-verify=false"])
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(Array(raw.stdout.utf8) == index.manifest)

        let out = folder.file("arm64")
        let copy = try await Skopeo.run([
            "--override-arch", "arm64", "copy", "--src-tls-verify=false",
            "docker://\(registry.hostAndPort)/library/multi:1.0", "dir:\(out)",
        ])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(FileManager.default.contents(atPath: "\(out)/\(arm64.layers[0].hex)").map { Array($0) } == arm64.layers[0].bytes)
        #expect(!FileManager.default.fileExists(atPath: "\(out)/\(amd64.layers[0].hex)"))
        await registry.stop()
        folder.remove()
    }

    @Test("A docker-registry proxy with htpasswd auth caches what it pulled from the upstream")
    func proxyWithHtpasswd() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-smoke-proxy")
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let image = try ImageFactory.image(layerSizes: [50_000], seed: 12)
        let seeder = RegistrySeeder(baseURL: upstream.url)
        try await seeder.push(image, repository: "library/test", tag: "latest")
        try await seeder.shutdown()

        let htpasswd = try Command.locate("htpasswd", debianPackage: "apache2-utils")
        let entry = try await Command.run(htpasswd, ["-Bbn", "-C", "4", "alice", "s3cret"])
        try entry.stdout.write(toFile: folder.file("htpasswd"), atomically: true, encoding: .utf8)
        let proxy = try await DockerRegistryPeer.start(
            in: folder, name: "proxy", proxyRemoteURL: upstream.url, htpasswdPath: folder.file("htpasswd")
        )
        let reference = "docker://\(proxy.hostAndPort)/library/test:latest"
        let arguments = ["--src-tls-verify=false", "--src-creds", "alice:s3cret"]
        let anonymous = try await Skopeo.copy(reference, "dir:\(folder.file("anonymous"))", arguments: ["--src-tls-verify=false"])
        #expect(anonymous.status != 0)

        let layer = image.layers[0]
        let first = try await Skopeo.copy(reference, "dir:\(folder.file("first"))", arguments: arguments)
        #expect(first.status == 0, "\(first.stderr)")
        // distribution 2.8's proxy fetches a missing blob twice from its upstream:
        // once to stream it to the client, once (in the background) to store it.
        let fetched = try await upstream.waitForRequestCount(method: "GET", pathContains: layer.digest, atLeast: 2)
        #expect(fetched == 2)

        let second = try await Skopeo.copy(reference, "dir:\(folder.file("second"))", arguments: arguments)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try await proxy.waitForRequestCount(method: "GET", pathContains: layer.digest, atLeast: 2) == 2)
        #expect(upstream.requestCount(method: "GET", pathContains: layer.digest) == fetched)
        await proxy.stop()
        await upstream.stop()
        folder.remove()
    }

    // MARK: - Token authentication

    @Test("docker-registry with tokens: anonymous push gets 401, skopeo pulls through the token flow")
    func tokenAuthenticatedRegistry() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-smoke-token")
        let tokens = try await TokenServiceStandIn.start(in: folder)
        let storage = try folder.folder("shared-storage")
        let protected = try await DockerRegistryPeer.start(
            in: folder, name: "protected", rootDirectory: storage, tokenAuth: tokens.authSettings
        )
        let open = try await DockerRegistryPeer.start(in: folder, name: "seed", rootDirectory: storage)
        let image = try ImageFactory.image(layerSizes: [5_000, 40_000], seed: 9)

        let anonymous = RegistrySeeder(baseURL: protected.url)
        let refused = await #expect(throws: RegistryRequestError.self) {
            try await anonymous.push(image, repository: "library/test", tag: "latest")
        }
        #expect(refused?.status == 401)
        try await anonymous.shutdown()

        let seeder = RegistrySeeder(baseURL: open.url)
        try await seeder.push(image, repository: "library/test", tag: "latest")
        try await seeder.shutdown()

        let out = folder.file("out")
        let copy = try await Skopeo.copy(
            "docker://\(protected.hostAndPort)/library/test:latest", "dir:\(out)",
            arguments: ["--src-tls-verify=false"]
        )
        #expect(copy.status == 0, "\(copy.stderr)")
        for blob in image.blobs {
            #expect(FileManager.default.contents(atPath: "\(out)/\(blob.hex)").map { Array($0) } == blob.bytes)
        }
        let requests = tokens.requests()
        #expect(requests.contains { $0.scope == "repository:library/test:pull" && !$0.hadAuthorization && $0.issued })
        #expect(requests.allSatisfy { $0.service == "test-registry" })
        #expect(protected.accessLogEntries().contains { $0.status == 401 })
        #expect(try await protected.waitForRequestCount(method: "GET", pathContains: image.layers[1].digest, atLeast: 1) == 1)

        await protected.stop()
        await open.stop()
        await tokens.stop()
        folder.remove()
    }

    @Test("Token service with required credentials: skopeo needs --src-creds; grantPush lets a seeder push")
    func tokenCredentialsAndPush() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-smoke-creds")
        let tokens = try await TokenServiceStandIn.start(
            in: folder, requiredCredentials: (user: "alice", password: "s3cret"), grantPush: true
        )
        let protected = try await DockerRegistryPeer.start(in: folder, name: "protected", tokenAuth: tokens.authSettings)
        let image = try ImageFactory.image(layerSizes: [3_000], seed: 10)

        let token = try tokens.mintToken(scopes: ["repository:library/private:pull,push"])
        let seeder = RegistrySeeder(baseURL: protected.url, authorization: "Bearer \(token)")
        try await seeder.push(image, repository: "library/private", tag: "v1")
        try await seeder.shutdown()

        let reference = "docker://\(protected.hostAndPort)/library/private:v1"
        let anonymous = try await Skopeo.inspectRaw(reference, arguments: ["--tls-verify=false", "--retry-times=0"])
        #expect(anonymous.status != 0)
        let wrong = try await Skopeo.inspectRaw(reference, arguments: ["--tls-verify=false", "--creds", "alice:wrong"])
        #expect(wrong.status != 0)
        let right = try await Skopeo.inspectRaw(reference, arguments: ["--tls-verify=false", "--creds", "alice:s3cret"])
        #expect(right.status == 0, "\(right.stderr)")
        #expect(Array(right.stdout.utf8) == image.manifest)

        let records = tokens.requests()
        #expect(records.contains { !$0.hadAuthorization && !$0.issued })
        #expect(records.contains { $0.hadAuthorization && $0.account == "alice" && $0.issued })

        // The endpoint answers like Docker Hub's.
        let curl = try Command.locate("curl", debianPackage: "curl")
        let answer = try await Command.run(curl, [
            "-s", "-u", "alice:s3cret",
            "\(tokens.realm)?service=test-registry&scope=repository:library/private:pull",
        ])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as? [String: Any])
        #expect(json["expires_in"] as? Int == 300)
        #expect(json["token"] as? String == json["access_token"] as? String)
        #expect((json["issued_at"] as? String)?.hasSuffix("Z") == true)
        let header = try #require((json["token"] as? String)?.split(separator: ".").first)
        let headerJSON = try #require(Data(base64Encoded: String(header) + String(repeating: "=", count: (4 - header.count % 4) % 4)))
        #expect(String(decoding: headerJSON, as: UTF8.self).contains(tokens.keyID))
        #expect(tokens.keyID.split(separator: ":").count == 12)

        await protected.stop()
        await tokens.stop()
        folder.remove()
    }

    // MARK: - Lying upstream

    @Test("LyingUpstream serves wrong, truncated, stalled and correct blobs as asked")
    func lyingUpstreamModes() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-smoke-lying")
        let curl = try Command.locate("curl", debianPackage: "curl")
        let image = try ImageFactory.image(layerSizes: [20_000], seed: 11)
        let layer = image.layers[0]
        let upstream = try await LyingUpstream.start(mode: .wrongBytes)
        upstream.serve(image, repository: "library/test", tag: "latest")
        let blobURL = "\(upstream.url)/v2/library/test/blobs/\(layer.digest)"
        let out = folder.file("blob")

        let ping = try await Command.run(curl, ["-s", "-i", "\(upstream.url)/v2/"])
        #expect(ping.stdout.hasPrefix("HTTP/1.1 200"))
        #expect(ping.stdout.lowercased().contains("docker-distribution-api-version: registry/2.0"))
        let manifest = try await Command.run(curl, ["-s", "\(upstream.url)/v2/library/test/manifests/latest"])
        #expect(Array(manifest.stdout.utf8) == image.manifest)

        let wrong = try await Command.run(curl, ["-s", "-o", out, "-w", "%{http_code}", blobURL])
        #expect(wrong.stdout == "200")
        let wrongBytes = try #require(FileManager.default.contents(atPath: out))
        #expect(wrongBytes.count == layer.size)
        #expect(TestBlob.digest(of: Array(wrongBytes)) != layer.digest)

        upstream.mode = .truncated
        let truncated = try await Command.run(curl, ["-s", "-o", out, blobURL])
        #expect(truncated.status == 18)  // CURLE_PARTIAL_FILE
        #expect(FileManager.default.contents(atPath: out)?.count == layer.size / 2)

        upstream.mode = .hang
        let started = ContinuousClock.now
        let hung = try await Command.run(curl, ["-s", "-o", out, "--max-time", "1", blobURL])
        #expect(hung.status == 28)  // CURLE_OPERATION_TIMEDOUT
        #expect(ContinuousClock.now - started < .seconds(5))

        upstream.mode = .correct
        let correct = try await Command.run(curl, ["-s", "-o", out, blobURL])
        #expect(correct.status == 0)
        #expect(FileManager.default.contents(atPath: out).map { Array($0) } == layer.bytes)

        #expect(upstream.blobRequestCount == 4)
        #expect(upstream.requestCount(method: "GET", pathContains: layer.digest) == 4)
        await upstream.stop()
        folder.remove()
    }
}

import Foundation
import Testing
import WharfTesting

/// An upstream `docker-registry` seeded with images, and Wharf in front of it.
struct PullFixture {
    let folder: TemporaryFolder
    let upstream: DockerRegistryPeer
    let wharf: WharfProcess

    /// Starts an upstream, seeds `images` (repository, tag, image), starts Wharf.
    static func start(
        _ name: String,
        images: [(String, String, TestImage)] = [],
        indexes: [(String, String, TestIndex)] = [],
        proxyYAML: String = "",
        httpYAML: String = ""
    ) async throws -> PullFixture {
        let folder = try TemporaryFolder(prefix: "wharf-\(name)")
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let seeder = RegistrySeeder(baseURL: upstream.url)
        do {
            for (repository, tag, image) in images { try await seeder.push(image, repository: repository, tag: tag) }
            for (repository, tag, index) in indexes { try await seeder.push(index, repository: repository, tag: tag) }
            try await seeder.shutdown()
        } catch {
            try? await seeder.shutdown()
            throw error
        }
        let wharf = try await WharfProcess.start(in: folder, upstreamURL: upstream.url, proxyYAML: proxyYAML, httpYAML: httpYAML)
        return PullFixture(folder: folder, upstream: upstream, wharf: wharf)
    }

    /// Runs `body` with a started fixture and stops every peer afterwards, whatever happens.
    static func with<T>(
        _ name: String,
        images: [(String, String, TestImage)] = [],
        indexes: [(String, String, TestIndex)] = [],
        proxyYAML: String = "",
        httpYAML: String = "",
        _ body: (PullFixture) async throws -> T
    ) async throws -> T {
        let fixture = try await start(name, images: images, indexes: indexes, proxyYAML: proxyYAML, httpYAML: httpYAML)
        do {
            let result = try await body(fixture)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    func stop() async {
        await wharf.stop()
        await upstream.stop()
        folder.remove()
    }

    /// Pushes `image` as `repository:tag` to the upstream (a tag that moves, for example).
    func push(_ image: TestImage, repository: String, tag: String) async throws {
        let seeder = RegistrySeeder(baseURL: upstream.url)
        do {
            try await seeder.push(image, repository: repository, tag: tag)
            try await seeder.shutdown()
        } catch {
            try? await seeder.shutdown()
            throw error
        }
    }

    /// Files of a `dir:` copy, by name.
    static func files(in path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) where name != "version" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return files
    }

    /// The blob files of Wharf's store.
    func storedBlobs() throws -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: wharf.storagePath + "/blobs/sha256")) ?? []
    }
}

extension ProcessResult {
    /// For expectation messages.
    var summary: String { "exit \(status)\nstdout: \(stdout.suffix(2000))\nstderr: \(stderr.suffix(2000))" }
}

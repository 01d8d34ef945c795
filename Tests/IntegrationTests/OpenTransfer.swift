import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import WharfTesting

/// A GET whose body the test reads piece by piece, to act while the transfer is under way.
struct OpenTransfer {
    let status: HTTPResponseStatus
    private(set) var bytes: [UInt8] = []
    private var body: HTTPClientResponse.Body.AsyncIterator

    init(_ url: String) async throws {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
        status = response.status
        body = response.body.makeAsyncIterator()
    }

    /// Reads until at least `count` bytes arrived in all, or the body ended.
    mutating func read(atLeast count: Int) async throws {
        while bytes.count < count, let chunk = try await body.next() { bytes += chunk.readableBytesView }
    }

    /// Reads to the end; throws when the transfer is cut.
    mutating func readToEnd() async throws {
        try await read(atLeast: .max)
    }

    /// Replaces what arrived (a retry that answered the whole blob).
    mutating func replaceBytes(_ whole: [UInt8]) { bytes = whole }

    /// Appends what a resumed request answered.
    mutating func append(_ rest: [UInt8]) { bytes += rest }
}

extension LyingUpstream {
    /// An upstream serving a one-layer image as `library/test:latest` whose blob GETs trickle
    /// at `bytesPerSecond`, and the layer.
    static func trickling(layerSize: Int, seed: UInt64, bytesPerSecond: Int) async throws -> (LyingUpstream, TestBlob) {
        let image = try ImageFactory.image(layerSizes: [layerSize], seed: seed)
        let upstream = try await LyingUpstream.start(mode: .trickle(bytesPerSecond: bytesPerSecond))
        upstream.serve(image, repository: "library/test", tag: "latest")
        return (upstream, image.layers[0])
    }
}

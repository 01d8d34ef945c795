import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Registry

/// `wharf warm IMAGE...`: pull images through a running Wharf so they are cached before the
/// clients that need them arrive.
struct WarmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warm",
        abstract: "Pull images through a running Wharf so that they are in its cache.",
        discussion: "IMAGE is [HOST/]REPOSITORY[:TAG|@DIGEST]; a HOST picks the upstream (as containerd's ?ns= does). "
            + "For an index, the manifests of --platform (the machine's own by default) are warmed, or all of them with "
            + "--all-platforms. With htpasswd on, give --username; the password comes from WHARF_PASSWORD."
    )

    @Argument(help: "The images to warm.")
    var images: [String]

    @Option(help: "The platform to warm from an index, os/architecture[/variant].")
    var platform: String?

    @Flag(help: "Warm every platform of an index.")
    var allPlatforms = false

    @Option(help: "The Wharf to pull through.")
    var server = "http://127.0.0.1:5000"

    @Option(help: "The htpasswd user; the password is read from WHARF_PASSWORD.")
    var username: String?

    @Option(help: "A PEM file of CAs to trust for the server's certificate (e.g. the local CA's).")
    var cacert: String?

    func validate() throws {
        if platform != nil && allPlatforms { throw ValidationError("give --platform or --all-platforms, not both") }
        if images.isEmpty { throw ValidationError("name at least one image") }
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else { throw ValidationError("--server must be an http(s) URL") }
    }

    func run() async throws {
        var authorization: String?
        if let username {
            guard let password = ProcessInfo.processInfo.environment["WHARF_PASSWORD"] else {
                throw ValidationError("--username needs the password in WHARF_PASSWORD")
            }
            authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: .seconds(60)))
        if let cacert {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(cacert)
            configuration.tlsConfiguration = tls
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let warmer = ImageWarmer(server: String(server.trimmingSuffix("/")), http: http, authorization: authorization, progress: WarmProgress())
        var failed = false
        for image in images {
            do {
                let reference = try ImageReference(parsing: image)
                let summary = try await warmer.warm(reference, platform: platform ?? ImagePlatform.host, allPlatforms: allPlatforms)
                print("warmed \(reference): \(summary.manifests) manifests, \(summary.blobs) blobs, \(summary.bytes) bytes (\(summary.alreadyCached) already cached)")
            } catch {
                failed = true
                FileHandle.standardError.write(Data("wharf warm: \(image): \(error)\n".utf8))
            }
        }
        try await http.shutdown()
        if failed { throw ExitCode(1) }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: Character) -> Substring {
        var text = Substring(self)
        while text.last == suffix { text = text.dropLast() }
        return text
    }
}

import Foundation
import NIOHTTP1
import NIOSSL
import Synchronization

/// An HTTPS server on 127.0.0.1 in front of a ``PebblePeer``, which offers no ACME Renewal
/// Information (Pebble 2.4): it serves Pebble's directory at its own `/dir` with `renewalInfo`
/// pointing at itself (and, if asked, `meta.profiles`), and answers `GET /renewalInfo/{id}`
/// as RFC 9773 specifies, with the window the test chooses. Every other ACME URL stays
/// Pebble's, so accounts and orders go to Pebble directly.
///
/// Its certificate comes from Pebble's listener CA, so a client trusting ``PebblePeer/caBundlePath``
/// trusts it too.
///
/// ```swift
/// let front = try await ARIFrontServer.start(in: folder, pebble: pebble) { id, earlier in
///     earlier.isEmpty ? .renewNow() : .later()
/// }
/// // directoryurl: front.directoryURL, cabundle: pebble.caBundlePath
/// ```
public final class ARIFrontServer: Sendable {
    /// Chooses the answer for certificate `id`, given the distinct identifiers asked about before it.
    public typealias Schedule = @Sendable (_ id: String, _ earlierIDs: [String]) -> SuggestedWindow

    /// The port it listens on.
    public let port: Int
    private let server: LocalHTTPServer
    private let state: FrontState

    /// `https://127.0.0.1:<port>/dir`.
    public var directoryURL: String { "https://127.0.0.1:\(port)/dir" }

    /// The certificate identifiers asked about, in order, repeats included.
    public var requestedIDs: [String] { state.asked.withLock { $0 } }

    private init(server: LocalHTTPServer, state: FrontState) {
        self.port = server.port
        self.server = server
        self.state = state
    }

    /// Fetches Pebble's directory and starts serving on a kernel-picked port.
    /// - Parameters:
    ///   - profiles: certificate profiles (name to description) to add as `meta.profiles`; none when empty.
    ///   - schedule: the window for each renewalInfo request.
    public static func start(
        in folder: TemporaryFolder,
        pebble: PebblePeer,
        profiles: [String: String] = [:],
        name: String = "ari-front",
        schedule: @escaping Schedule
    ) async throws -> ARIFrontServer {
        var directory = try await fetchDirectory(pebble)
        if !profiles.isEmpty {
            var meta = directory["meta"] as? [String: Any] ?? [:]
            meta["profiles"] = profiles
            directory["meta"] = meta
        }
        let leaf = try await pebble.listenerAuthority.issue("\(name)-listener", names: ["localhost", "127.0.0.1"])
        let tls = try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(leaf.certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: leaf.keyPath, format: .pem))
        ))
        let state = FrontState()
        let server = try await LocalHTTPServer.start(tls: tls) { request, writer in
            let json = HTTPHeaders([("Content-Type", "application/json")])
            switch (request.head.method, request.path) {
            case (.GET, "/dir"):
                writer.respond(.ok, headers: json, body: state.directory.withLock { $0 })
            case (.GET, let path) where path.hasPrefix("/renewalInfo/"):
                let id = String(path.dropFirst("/renewalInfo/".count))
                guard Self.isWellFormed(id) else {
                    writer.respond(.badRequest, headers: HTTPHeaders([("Content-Type", "application/problem+json")]), body: Array(#"{"type":"urn:ietf:params:acme:error:malformed","detail":"not a certificate identifier"}"#.utf8))
                    return
                }
                let earlier = state.asked.withLock { asked in
                    defer { asked.append(id) }
                    return asked.reduce(into: [String]()) { if !$0.contains($1) && $1 != id { $0.append($1) } }
                }
                let window = schedule(id, earlier)
                var headers = json
                if let retryAfter = window.retryAfter { headers.add(name: "Retry-After", value: String(retryAfter)) }
                writer.respond(.ok, headers: headers, body: window.json)
            case (_, let path) where path == "/dir" || path.hasPrefix("/renewalInfo/"):
                writer.respond(.methodNotAllowed, headers: HTTPHeaders([("Allow", "GET")]))
            default:
                writer.respond(.notFound)
            }
        }
        directory["renewalInfo"] = "https://127.0.0.1:\(server.port)/renewalInfo"
        let body = try JSONSerialization.data(withJSONObject: directory, options: [.sortedKeys, .withoutEscapingSlashes])
        state.directory.withLock { $0 = Array(body) }
        return ARIFrontServer(server: server, state: state)
    }

    /// Stops listening.
    public func stop() async {
        await server.stop()
    }

    /// `base64url(keyIdentifier) "." base64url(serial)`: two non-empty parts of the base64url
    /// alphabet without padding.
    static func isWellFormed(_ id: String) -> Bool {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(alphabet.contains) }
    }

    private static func fetchDirectory(_ pebble: PebblePeer) async throws -> [String: Any] {
        let curl = try Command.locate("curl", debianPackage: "curl")
        let result = try await Command.run(curl, ["-sS", "--fail", "--cacert", pebble.caBundlePath, pebble.directoryURL])
        guard result.succeeded, let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw TestSupportError("GET \(pebble.directoryURL) failed: \(result.stderr)")
        }
        return object
    }
}

/// What the front server's handlers share: the identifiers asked about and the directory served.
private final class FrontState: Sendable {
    let asked = Mutex<[String]>([])
    let directory = Mutex<[UInt8]>([])
}

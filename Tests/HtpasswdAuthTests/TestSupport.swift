import Foundation
import Logging
import Synchronization
import Testing
import WharfTesting

@testable import HtpasswdAuth

/// Apache's htpasswd (apache2-utils), the reference these tests hold Wharf to.
enum Apache {
    /// The executable; throws "htpasswd not found: apt-get install -y apache2-utils" when it is missing.
    static func htpasswd() throws -> String {
        try Command.locate("htpasswd", debianPackage: "apache2-utils")
    }

    /// `htpasswd -nb FLAGS USER PASSWORD`: one `user:hash` line, as Apache would write it.
    static func entry(_ flags: [String], user: String, password: String) async throws -> String {
        let result = try await Command.run(try htpasswd(), ["-nb"] + flags + [user, password])
        try #require(result.succeeded, "htpasswd \(flags) failed: \(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first.map(String.init))
        try #require(line.hasPrefix("\(user):"))
        return line
    }

    /// `htpasswd -vb FILE USER PASSWORD`: whether Apache accepts the password.
    static func verifies(file: String, user: String, password: String) async throws -> Bool {
        let result = try await Command.run(try htpasswd(), ["-vb", file, user, password])
        return result.succeeded
    }
}

/// A temporary folder with an htpasswd file in it.
final class HtpasswdFixture: Sendable {
    let folder: TemporaryFolder
    let path: String

    init(_ text: String = "") throws {
        folder = try TemporaryFolder(prefix: "wharf-htpasswd")
        path = folder.file("htpasswd")
        try write(text)
    }

    func write(_ text: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    deinit {
        folder.remove()
    }
}

/// `Basic base64(user:password)`.
func basic(_ user: String, _ password: String) -> String {
    "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
}

/// A clock that moves only when told, so that window and TTL tests decide nothing by sleeping.
final class ManualClock: Sendable {
    private let start = ContinuousClock.now
    private let elapsed = Mutex(Duration.zero)

    var now: ContinuousClock.Instant { start + elapsed.withLock { $0 } }

    func advance(by duration: Duration) {
        elapsed.withLock { $0 += duration }
    }
}

extension HtpasswdAuthenticator {
    /// An authenticator for `fixture` whose limiter and caches run on `clock`.
    static func testing(
        _ fixture: HtpasswdFixture,
        settings: HtpasswdSettings = .init(),
        clock: ManualClock = ManualClock()
    ) async throws -> HtpasswdAuthenticator {
        try await HtpasswdAuthenticator(path: fixture.path, realm: "r", settings: settings, logger: LogRecorder().logger, now: { clock.now })
    }

    /// `authenticate` with `Basic base64(user:password)`.
    func signIn(_ user: String, _ password: String, from address: String) async -> AuthenticationDecision {
        await authenticate(authorization: basic(user, password), clientAddress: address)
    }
}

extension AuthenticationDecision {
    /// Whether this is `.rateLimited` with a wait of 1 to `atMost` seconds.
    func isRateLimited(atMost: Int = 3600) -> Bool {
        if case .rateLimited(let wait) = self { return (1...atMost).contains(wait) }
        return false
    }
}

extension HtpasswdFixture {
    /// A fixture with these users, each hashed with bcrypt cost 4 (fast: these tests are about counting).
    static func with(_ users: [(String, String)]) async throws -> HtpasswdFixture {
        let fixture = try HtpasswdFixture()
        for (user, password) in users {
            try await HtpasswdEditor.add(file: fixture.path, user: user, password: password, cost: 4)
        }
        return fixture
    }
}

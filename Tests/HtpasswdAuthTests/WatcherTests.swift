import Foundation
import Testing
import WharfTesting

@testable import HtpasswdAuth

@Suite("Watching the htpasswd file")
struct WatcherTests {
    @Test("Changes are picked up within seconds; a broken change keeps the old users; Apache's in-place edits are seen")
    func picksUpChanges() async throws {
        let fixture = try HtpasswdFixture()
        try await HtpasswdEditor.add(file: fixture.path, user: "alice", password: "alice-pw", cost: 4)
        let log = LogRecorder()
        let auth = try await HtpasswdAuthenticator(
            path: fixture.path, realm: "r", settings: .init(pollInterval: .milliseconds(50)), logger: log.logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await auth.watcher.run() }
            defer { group.cancelAll() }

            #expect(await auth.authenticate(authorization: basic("alice", "alice-pw"), clientAddress: "a") == .allowed(user: "alice"))
            try await HtpasswdEditor.add(file: fixture.path, user: "bob", password: "bob-pw", cost: 4)
            #expect(try await eventually { auth.users == ["alice", "bob"] })
            #expect(await auth.authenticate(authorization: basic("bob", "bob-pw"), clientAddress: "a") == .allowed(user: "bob"))

            let good = try String(contentsOfFile: fixture.path, encoding: .utf8)
            try fixture.write(good + "carol\n")
            #expect(try await eventually { log.messages.contains { $0.hasPrefix("error") && $0.contains("\(fixture.path):3") } })
            #expect(auth.users == ["alice", "bob"])
            #expect(await auth.authenticate(authorization: basic("alice", "alice-pw"), clientAddress: "a") == .allowed(user: "alice"))

            try fixture.write(good)
            #expect(try await eventually { log.messages.filter { $0.contains("reloaded 2") }.count == 2 })

            // Apache's htpasswd rewrites the file in place rather than renaming over it.
            let apache = try await Command.run(try Apache.htpasswd(), ["-b", "-B", "-C", "4", fixture.path, "alice", "changed"])
            #expect(apache.succeeded, "\(apache.stderr)")
            #expect(try await eventually {
                log.messages.filter { $0.contains("reloaded 2") }.count == 3
            })
            #expect(await auth.authenticate(authorization: basic("alice", "changed"), clientAddress: "a") == .allowed(user: "alice"))
            #expect(await auth.authenticate(authorization: basic("alice", "alice-pw"), clientAddress: "b") == .denied)
        }
    }

    @Test("The watcher ends when its task is cancelled")
    func endsOnCancellation() async throws {
        let fixture = try HtpasswdFixture("")
        let auth = try await HtpasswdAuthenticator(
            path: fixture.path, realm: "r", settings: .init(pollInterval: .seconds(60)), logger: LogRecorder().logger
        )
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await auth.watcher.run() }
                try await Task.sleep(for: .milliseconds(100))
                group.cancelAll()
                try await group.waitForAll()
            }
        }
        #expect(elapsed < .seconds(30), "the sleep between polls must end on cancellation")
    }
}

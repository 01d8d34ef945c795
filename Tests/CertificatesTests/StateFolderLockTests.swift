import Certificates
import Foundation
import Testing
import WharfTesting

@Suite("the state folder's order lock")
struct StateFolderLockTests {
    /// Writes a lock as another process would have.
    func writeLock(in folder: TemporaryFolder, owner: String, expiresIn: TimeInterval, machine: String?, pid: Int32?) throws {
        var fields = [#""owner":"\#(owner)""#, #""expires":\#(Date().timeIntervalSince1970 + expiresIn)"#]
        if let machine { fields.append(#""machine":"\#(machine)""#) }
        if let pid { fields.append(#""pid":\#(pid)"#) }
        try ("{" + fields.joined(separator: ",") + "}").write(toFile: folder.file("order.lock"), atomically: true, encoding: .utf8)
    }

    /// The machine string this process writes into its own lock.
    func ownMachine(in folder: TemporaryFolder) async throws -> String? {
        let probe = StateFolderLock(folder: folder.file("probe"))
        #expect(await probe.acquire())
        let data = try Data(contentsOf: URL(fileURLWithPath: probe.path))
        await probe.release()
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["machine"] as? String
    }

    @Test("one holder at a time; released, it is free again")
    func exclusive() async throws {
        let folder = try TemporaryFolder(prefix: "lock")
        defer { folder.remove() }
        let first = StateFolderLock(folder: folder.path)
        let second = StateFolderLock(folder: folder.path)
        #expect(await first.acquire())
        #expect(await !second.acquire())
        await first.release()
        #expect(await second.acquire())
        await second.release()
    }

    @Test("a lock left by a crashed process on this machine is taken over at once, not after its expiry")
    func crashedHolder() async throws {
        let folder = try TemporaryFolder(prefix: "lock")
        defer { folder.remove() }
        let machine = try #require(try await ownMachine(in: folder))
        let gone = try await Command.run("/bin/sh", ["-c", "echo $$"])
        let deadPID = try #require(Int32(gone.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        try writeLock(in: folder, owner: "crashed", expiresIn: 600, machine: machine, pid: deadPID)
        #expect(await StateFolderLock(folder: folder.path).acquire(), "the holder's process is gone")
    }

    @Test("a live holder, or one from another machine, keeps its lock until it expires")
    func liveOrForeignHolder() async throws {
        let folder = try TemporaryFolder(prefix: "lock")
        defer { folder.remove() }
        let machine = try #require(try await ownMachine(in: folder))
        try writeLock(in: folder, owner: "alive", expiresIn: 600, machine: machine, pid: getpid())
        #expect(await !StateFolderLock(folder: folder.path).acquire(), "the holder runs")
        try writeLock(in: folder, owner: "elsewhere", expiresIn: 600, machine: "another-boot/pid:[1]", pid: 999_999)
        #expect(await !StateFolderLock(folder: folder.path).acquire(), "a pid from another machine means nothing here")
        try writeLock(in: folder, owner: "old", expiresIn: 600, machine: nil, pid: nil)
        #expect(await !StateFolderLock(folder: folder.path).acquire(), "a lock without identity waits for its expiry")
        try writeLock(in: folder, owner: "expired", expiresIn: -1, machine: "another-boot/pid:[1]", pid: 1)
        #expect(await StateFolderLock(folder: folder.path).acquire(), "an expired lock is taken over")
    }
}

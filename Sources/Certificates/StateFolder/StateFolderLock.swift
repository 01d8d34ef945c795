import FileIO
import Foundation
import NIOCore

/// A lock file in the certificate state folder, so that several Wharf instances sharing one
/// folder (a shared volume) order a certificate once. It names its owner and expires, so a
/// crashed holder's lock is taken over after ``lifetime`` — at once when the holder was a
/// process on this same kernel and PID namespace that no longer exists (a restart after a crash).
public struct StateFolderLock: CertificateOrderLock {
    /// The lock file.
    public let path: String
    /// How long a lock holds without being released.
    public let lifetime: TimeInterval
    /// Who this process is: host name, process id and a random part.
    public let owner: String
    private let folder: String

    private struct Content: Codable {
        let owner: String
        let expires: Double
        /// The kernel boot and PID namespace the holder ran in (``ProcessIdentity``).
        var machine: String?
        var pid: Int32?
    }

    /// A lock at `<folder>/<name>.lock` with a new holder identity; nothing is written until ``acquire(now:)``.
    public init(folder: String, name: String = "order", lifetime: TimeInterval = 600) {
        self.folder = folder
        self.path = "\(folder)/\(name).lock"
        self.lifetime = lifetime
        self.owner = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// The lock file's path.
    public var location: String { path }

    /// Takes the lock if it is free or expired; `false` when another owner holds it.
    public func acquire(now: Date = Date()) async -> Bool {
        let machine = await BlockingIO.run { ProcessIdentity.machine }
        let content = Content(owner: owner, expires: now.timeIntervalSince1970 + lifetime, machine: machine, pid: getpid())
        guard let data = try? JSONEncoder().encode(content) else { return false }
        try? await Folder.ensure(folder, mode: 0o700)
        // Exclusive create: exactly one process wins a free lock.
        if let file = try? await PosixFile.create(path, mode: 0o600) {
            try? await file.write(ByteBuffer(bytes: data), at: 0)
            try? await file.synchronize()
            return true
        }
        guard let held = await current(), held.owner != owner else { return await current()?.owner == owner }
        guard held.expires < now.timeIntervalSince1970 || Self.holderIsGone(held, machine: machine) else { return false }
        // Expired: replace it, then check that this process's content is the one that stayed.
        guard (try? await AtomicFile.write(Array(data), to: path, mode: 0o600)) != nil else { return false }
        return await current()?.owner == owner
    }

    /// Releases the lock if this process holds it.
    public func release() async {
        if await current()?.owner == owner {
            try? await PosixFile.remove(path)
        }
    }

    /// Whether the holder ran in this kernel and PID namespace and its process no longer exists.
    private static func holderIsGone(_ held: Content, machine: String?) -> Bool {
        guard let heldMachine = held.machine, heldMachine == machine, let pid = held.pid, pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    private func current() async -> Content? {
        guard let bytes = try? await PosixFile.contents(of: path, maximumSize: 64 * 1024) else { return nil }
        return try? JSONDecoder().decode(Content.self, from: Data(bytes))
    }
}

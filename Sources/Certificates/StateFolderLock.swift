import Foundation

/// A lock file in the certificate state folder, so that several Wharf instances sharing one
/// folder (a shared volume) order a certificate once. It names its owner and expires, so a
/// crashed holder's lock is taken over after ``lifetime`` — at once when the holder was a
/// process on this same kernel and PID namespace that no longer exists (a restart after a crash).
public struct StateFolderLock: Sendable {
    public let path: String
    /// How long a lock holds without being released.
    public let lifetime: TimeInterval
    /// Who this process is: host name, process id and a random part.
    public let owner: String

    private struct Content: Codable {
        let owner: String
        let expires: Double
        /// The kernel boot and PID namespace the holder ran in (``ProcessIdentity``).
        var machine: String?
        var pid: Int32?
    }

    public init(folder: String, name: String = "order", lifetime: TimeInterval = 600) {
        self.path = "\(folder)/\(name).lock"
        self.lifetime = lifetime
        self.owner = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    /// Takes the lock if it is free or expired; `false` when another owner holds it.
    public func acquire(now: Date = Date()) -> Bool {
        let content = Content(owner: owner, expires: now.timeIntervalSince1970 + lifetime, machine: ProcessIdentity.machine, pid: getpid())
        guard let data = try? JSONEncoder().encode(content) else { return false }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Exclusive create: exactly one process wins a free lock.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor >= 0 {
            _ = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            fsync(descriptor)
            close(descriptor)
            return true
        }
        guard let held = current(), held.owner != owner else { return current()?.owner == owner }
        guard held.expires < now.timeIntervalSince1970 || Self.holderIsGone(held) else { return false }
        // Expired: replace it, then check that this process's content is the one that stayed.
        let temporary = "\(path).\(owner)"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]),
            rename(temporary, path) == 0
        else { return false }
        return current()?.owner == owner
    }

    /// Releases the lock if this process holds it.
    public func release() {
        if current()?.owner == owner { unlink(path) }
    }

    /// Whether the holder ran in this kernel and PID namespace and its process no longer exists.
    private static func holderIsGone(_ held: Content) -> Bool {
        guard let machine = held.machine, machine == ProcessIdentity.machine, let pid = held.pid, pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    private func current() -> Content? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Content.self, from: data)
    }
}

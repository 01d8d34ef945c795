import Foundation

/// Where process ids mean the same thing: the kernel's boot id and this process's PID
/// namespace. Two processes with equal ``machine`` see each other's pids; a lock holder from
/// another host or container is never judged by a pid that means something else here.
enum ProcessIdentity {
    /// `boot_id/pid-namespace`, or `nil` when either cannot be read (then no pid is trusted).
    /// The first use reads `/proc`: make it inside ``FileIO/BlockingIO/run(_:)``.
    static let machine: String? = {
        guard let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8),
            let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
        else { return nil }
        return boot.trimmingCharacters(in: .whitespacesAndNewlines) + "/" + namespace
    }()
}

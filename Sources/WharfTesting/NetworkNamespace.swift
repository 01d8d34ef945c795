import Foundation

/// A test host of its own: a network namespace joined to this one by a veth pair on a private
/// /30 (`10.213.X.Y`, X and Y drawn at random so that concurrent tests do not collide). The
/// host side has ``hostAddress``, the namespace ``namespaceAddress``. Traffic goes only between
/// these two addresses. ``remove()`` deletes the link and the namespace.
public struct NetworkNamespace: Sendable {
    /// The namespace's name, for `ip netns exec`.
    public let name: String
    /// The address on this side of the veth pair.
    public let hostAddress: String
    /// The address inside the namespace.
    public let namespaceAddress: String
    private let hostLink: String

    /// Creates the namespace and the link (needs root and `ip` from iproute2).
    public static func make() async throws -> NetworkNamespace {
        let ip = try Command.locate("ip", debianPackage: "iproute2")
        let suffix = String(UInt32.random(in: 0..<0xFFFFFF), radix: 16)
        let third = Int.random(in: 0...255)
        let fourth = Int.random(in: 0...63) * 4
        let namespace = NetworkNamespace(
            name: "wharf-\(suffix)",
            hostAddress: "10.213.\(third).\(fourth + 1)",
            namespaceAddress: "10.213.\(third).\(fourth + 2)",
            hostLink: "wh\(suffix)a"
        )
        let peerLink = "wh\(suffix)b"
        let steps: [[String]] = [
            ["netns", "add", namespace.name],
            ["link", "add", namespace.hostLink, "type", "veth", "peer", "name", peerLink],
            ["link", "set", peerLink, "netns", namespace.name],
            ["addr", "add", "\(namespace.hostAddress)/30", "dev", namespace.hostLink],
            ["link", "set", namespace.hostLink, "up"],
            ["netns", "exec", namespace.name, "ip", "addr", "add", "\(namespace.namespaceAddress)/30", "dev", peerLink],
            ["netns", "exec", namespace.name, "ip", "link", "set", peerLink, "up"],
            ["netns", "exec", namespace.name, "ip", "link", "set", "lo", "up"],
        ]
        for step in steps {
            let result = try await Command.run(ip, step)
            guard result.status == 0 else {
                await namespace.remove()
                throw TestSupportError("ip \(step.joined(separator: " ")) failed (root and iproute2 are needed): \(result.stderr)")
            }
        }
        return namespace
    }

    /// `nsenter --net=...` before `command`, for a process to run inside the namespace. (Not
    /// `ip netns exec`: it remounts /sys, which hides the cgroup mounts dockerd needs.)
    public func wrapping(_ command: [String]) throws -> [String] {
        [try Command.locate("nsenter", debianPackage: "util-linux"), "--net=/var/run/netns/\(name)"] + command
    }

    /// Deletes the link (its peer goes with it) and the namespace; what is already gone is fine.
    public func remove() async {
        guard let ip = try? Command.locate("ip", debianPackage: "iproute2") else { return }
        _ = try? await Command.run(ip, ["link", "delete", hostLink])
        _ = try? await Command.run(ip, ["netns", "delete", name])
    }
}

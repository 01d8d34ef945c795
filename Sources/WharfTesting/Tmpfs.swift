/// A small tmpfs a test mounts to run out of space for real (mounting needs root).
public enum Tmpfs {
    /// Runs `body` with a tmpfs of `size` (as `mount -o size=` takes it: `16m`) mounted on
    /// `folder`, and unmounts it afterwards whatever happens.
    /// - Throws: when mounting or unmounting fails, saying why; or what `body` threw.
    public static func mounted<T>(size: String, on folder: String, _ body: () async throws -> T) async throws -> T {
        let mounted = try await Command.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", folder])
        guard mounted.succeeded else {
            throw TestSupportError("mounting a tmpfs needs root (mount -t tmpfs): exit \(mounted.status), \(mounted.stderr)")
        }
        let result: T
        do {
            result = try await body()
        } catch {
            _ = try? await Command.run("/bin/umount", [folder])
            throw error
        }
        let unmounted = try await Command.run("/bin/umount", [folder])
        guard unmounted.succeeded else { throw TestSupportError("umount \(folder): exit \(unmounted.status), \(unmounted.stderr)") }
        return result
    }
}

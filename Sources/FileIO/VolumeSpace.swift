import Foundation

/// The space left on a file system.
public enum VolumeSpace {
    /// The bytes an unprivileged writer can still use on the volume holding `path`
    /// (`statvfs`: available blocks times the fragment size), or nil when it cannot be read.
    public static func freeBytes(at path: String) async -> Int64? {
        await BlockingIO.run { () -> Int64? in
            var info = statvfs()
            guard statvfs(path, &info) == 0 else { return nil }
            return Int64(info.f_bavail) * Int64(info.f_frsize)
        }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh, private folder under `/tmp` for one test's files.
///
/// The folder is not removed automatically, so logs stay around when a test
/// fails; call ``remove()`` when the test no longer needs it.
public final class TemporaryFolder: Sendable {
    /// The absolute path of the folder, without a trailing slash.
    public let path: String

    /// Creates a new, empty folder named `/tmp/<prefix>-XXXXXX`.
    public init(prefix: String = "wharf-test") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            mkdtemp(buffer.baseAddress!)
        }
        guard created != nil else {
            throw TestSupportError("could not create a temporary folder under /tmp: errno \(errno)")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The absolute path of `name` inside the folder; nothing is created.
    public func file(_ name: String) -> String {
        "\(path)/\(name)"
    }

    /// Creates (if needed) the sub-folder `name` and returns its absolute path.
    public func folder(_ name: String) throws -> String {
        let subfolder = file(name)
        try FileManager.default.createDirectory(atPath: subfolder, withIntermediateDirectories: true)
        return subfolder
    }

    /// Deletes the folder and everything in it; errors are ignored.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

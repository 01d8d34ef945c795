import Foundation
import FileIO
import Synchronization

/// Records when stored objects were last used, as their modification time, at most once
/// per object per ``granularity`` so that a cache hit does not cost a write.
///
/// The time lives in the file system, so it survives restarts and crashes with nothing to
/// reconcile; the in-memory map only remembers which objects were touched recently.
final class UsageRecorder: Sendable {
    let granularity: TimeInterval
    private let touched = Mutex<[String: TimeInterval]>([:])

    init(granularity: TimeInterval = 3600) {
        self.granularity = granularity
    }

    /// Marks `path` as used now, unless it was marked within the granularity.
    func recordUse(of path: String, now: TimeInterval = Date().timeIntervalSince1970) async {
        let due = touched.withLock { touched -> Bool in
            if let last = touched[path], now - last < granularity { return false }
            if touched.count > 100_000 { touched.removeAll(keepingCapacity: true) }
            touched[path] = now
            return true
        }
        guard due else { return }
        await BlockingIO.run {
            // Only refresh files whose time is older than the granularity: a restart does not rewrite everything.
            var info = stat()
            guard stat(path, &info) == 0, now - TimeInterval(info.st_mtim.tv_sec) >= self.granularity else { return }
            utimes(path, nil)
        }
    }
}

import Foundation
import Synchronization

/// Every child a test started and has not stopped, killed when the test process exits, so
/// that a test that throws before its cleanup, or a run that ends early, leaves no peer behind.
enum LiveChildren {
    private static let pids = Mutex<Set<Int32>>([])
    private static let installed = Mutex(false)

    static func add(_ pid: Int32) {
        installed.withLock { done in
            guard !done else { return }
            done = true
            atexit { LiveChildren.killAll() }
        }
        pids.withLock { _ = $0.insert(pid) }
    }

    static func remove(_ pid: Int32) {
        pids.withLock { _ = $0.remove(pid) }
    }

    private static func killAll() {
        for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}

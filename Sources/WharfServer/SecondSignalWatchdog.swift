import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Ends the process at once on a second SIGTERM or SIGINT, while the ServiceGroup is still
/// draining after the first. The store needs no orderly stop: nothing half-written is ever
/// visible, and leftovers in `tmp/` are removed at the next start.
///
/// Listed first among the services, so the group shuts it down last.
struct SecondSignalWatchdog: Service {
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        var seen = 0
        for await signal in signals.cancelOnGracefulShutdown() {
            seen += 1
            if seen >= 2 {
                logger.warning("second \(signal): stopping at once")
                exit(1)
            }
        }
    }
}

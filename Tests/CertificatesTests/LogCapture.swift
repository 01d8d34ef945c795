import Logging
import Synchronization

/// Collects log messages so a test can read what a component said.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger writing here (and nowhere else).
    var logger: Logger {
        Logger(label: "test") { _ in CapturingHandler(capture: self) }
    }

    /// Every message so far, as `LEVEL message`.
    var messages: [String] {
        lines.withLock { $0 }
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }
}

private struct CapturingHandler: LogHandler {
    let capture: LogCapture
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        capture.append("\(event.level) \(event.message)")
    }
}

import Logging
import Synchronization

/// Collects log lines (message and metadata) so a test can read what a component said, and
/// check what it did not say (keys, secrets).
public final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    /// A logger writing here at every level.
    public var logger: Logger {
        Logger(label: "acme-test") { _ in RecordingHandler(recorder: self) }
    }

    /// Every line so far, as `LEVEL message key=value ...`.
    public var messages: [String] {
        lines.withLock { $0 }
    }

    /// Everything logged, as one text.
    public var text: String {
        messages.joined(separator: "\n")
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }
}

private struct RecordingHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        recorder.append("\(event.level) \(event.message) \(fields)")
    }
}

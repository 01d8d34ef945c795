import Synchronization

/// What a ``LyingUpstream`` serves and what it was asked, shared with its event loops.
final class LyingRegistryContent: Sendable {
    struct Manifest: Sendable {
        var mediaType: String
        var bytes: [UInt8]
    }

    private struct State {
        var mode: LyingUpstreamMode
        var manifests: [String: Manifest] = [:]
        var blobs: [String: [UInt8]] = [:]
        var requests: [(method: String, path: String)] = []
    }

    private let state: Mutex<State>

    init(mode: LyingUpstreamMode) {
        state = Mutex(State(mode: mode))
    }

    var mode: LyingUpstreamMode {
        get { state.withLock { $0.mode } }
        set { state.withLock { $0.mode = newValue } }
    }

    func addManifest(_ manifest: Manifest, repository: String, reference: String) {
        state.withLock { $0.manifests["\(repository)@\(reference)"] = manifest }
    }

    func manifest(repository: String, reference: String) -> Manifest? {
        state.withLock { $0.manifests["\(repository)@\(reference)"] }
    }

    func addBlob(_ bytes: [UInt8], digest: String) {
        state.withLock { $0.blobs[digest] = bytes }
    }

    func blob(_ digest: String) -> [UInt8]? {
        state.withLock { $0.blobs[digest] }
    }

    func record(method: String, path: String) {
        state.withLock { $0.requests.append((method, path)) }
    }

    func requests() -> [(method: String, path: String)] {
        state.withLock { $0.requests }
    }
}

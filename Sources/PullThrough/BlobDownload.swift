import Foundation
import Registry
import Storage
import Synchronization

/// One upstream download of a blob, shared by every client that asks for it meanwhile.
///
/// The download writes to the store's upload; each client follows it through the upload's
/// reader, up to the bytes written so far. The last byte is held back until the digest is verified, so a client
/// whose connection ends normally has received verified content.
final class BlobDownload: Sendable {
    enum Phase: Sendable {
        /// Waiting for the upstream's answer.
        case connecting
        /// Bytes arriving, readable through `reader`.
        case streaming
        /// Verified and stored under its digest.
        case stored
        /// Nothing stored; clients are cut off with this error.
        case failed(RegistryError)
        /// The store could not take it; each client streams it from `origin`, nothing stored.
        case passThrough(PassThroughOrigin)
    }

    struct Progress: Sendable {
        var phase: Phase
        var reader: (any BlobReader)?
        var expectedSize: Int64?
        var bytesWritten: Int64
    }

    private struct State {
        var progress = Progress(phase: .connecting, reader: nil, expectedSize: nil, bytesWritten: 0)
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    let digest: Digest
    private let state = Mutex(State())

    init(digest: Digest) {
        self.digest = digest
    }

    var progress: Progress { state.withLock { $0.progress } }

    // MARK: Updates from the downloading task

    func started(reader: any BlobReader, expectedSize: Int64?) {
        update {
            $0.phase = .streaming
            $0.reader = reader
            $0.expectedSize = expectedSize
        }
    }

    func advanced(to bytesWritten: Int64) {
        update { $0.bytesWritten = bytesWritten }
    }

    func stored() {
        update { $0.phase = .stored }
    }

    func failed(_ error: RegistryError) {
        update { $0.phase = .failed(error) }
    }

    func passThrough(_ origin: PassThroughOrigin) {
        update {
            $0.phase = .passThrough(origin)
            $0.expectedSize = origin.expectedSize
        }
    }

    private func update(_ change: (inout Progress) -> Void) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            change(&state.progress)
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Waiting, from clients

    /// Returns once the progress differs from `seen` (or at once if it already does).
    func waitForChange(from seen: Progress) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let changed = state.withLock { state -> Bool in
                    if Self.differs(state.progress, seen) || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if changed { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    private static func differs(_ a: Progress, _ b: Progress) -> Bool {
        if a.bytesWritten != b.bytesWritten { return true }
        switch (a.phase, b.phase) {
        case (.connecting, .connecting), (.streaming, .streaming), (.stored, .stored), (.passThrough, .passThrough): return false
        default: return true
        }
    }
}

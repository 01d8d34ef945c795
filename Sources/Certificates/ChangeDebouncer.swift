/// Decides, poll after poll, when a changed pair of files should be loaded.
///
/// A change is acted on once it has held still for one poll: an operator (or certbot) replacing
/// the certificate and then the key, or a copy still being written, is seen as one change after it
/// settles, not as a broken pair in between. Each settled state is loaded once; a state that failed
/// to load is retried only when either file changes again.
struct ChangeDebouncer: Sendable {
    /// The state last loaded (or refused).
    private var handled: FilePairSnapshot
    /// A different state seen at the previous poll, waiting to hold still.
    private var pending: FilePairSnapshot?

    /// Starts from the files as they are, assumed already loaded.
    init(handled: FilePairSnapshot) {
        self.handled = handled
    }

    /// Records one poll; returns true when the files should be loaded now.
    mutating func observe(_ snapshot: FilePairSnapshot) -> Bool {
        if snapshot == handled {
            pending = nil
            return false
        }
        if snapshot == pending {
            handled = snapshot
            pending = nil
            return true
        }
        pending = snapshot
        return false
    }
}

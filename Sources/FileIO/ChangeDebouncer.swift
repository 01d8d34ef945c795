/// Decides, poll after poll, when a changed file (or set of files) should be loaded.
///
/// A change is acted on once it has held still for one poll: a file rewritten in place, a copy
/// still being written, or a certificate replaced before its key, is seen as one change after it
/// settles, not as a broken state in between. Each settled state is acted on once; a state that
/// failed to load is retried only when it changes again.
public struct ChangeDebouncer<State: Equatable & Sendable>: Sendable {
    /// The state last loaded (or refused). Set it when something else loaded the files meanwhile.
    public var handled: State
    /// A different state seen at the previous poll, waiting to hold still.
    private var pending: State?

    /// Starts from the files as they are, assumed already loaded.
    public init(handled: State) {
        self.handled = handled
    }

    /// Records one poll; returns true when the files should be loaded now.
    public mutating func observe(_ state: State) -> Bool {
        if state == handled {
            pending = nil
            return false
        }
        if state == pending {
            handled = state
            pending = nil
            return true
        }
        pending = state
        return false
    }
}

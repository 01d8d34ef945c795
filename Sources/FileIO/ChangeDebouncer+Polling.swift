import ServiceLifecycle

extension ChangeDebouncer {
    /// Looks at `current()` every `interval` until the task is cancelled or a graceful shutdown
    /// begins, and calls `reload` once for each change that held still for one poll.
    ///
    /// - Parameters:
    ///   - start: the state taken as already loaded.
    ///   - handled: read before each look when given, so that a reload done elsewhere (an
    ///     operator's call) counts as handled too.
    public static func poll(
        every interval: Duration,
        from start: State,
        handled: (() -> State)? = nil,
        current: () async -> State,
        reload: () async -> Void
    ) async {
        var debouncer = ChangeDebouncer(handled: start)
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: interval)
                }
            } catch {
                return
            }
            if let handled { debouncer.handled = handled() }
            if debouncer.observe(await current()) {
                await reload()
            }
        }
    }
}

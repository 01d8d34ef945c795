/// Runs one operation per key at a time; callers that arrive meanwhile share its result.
actor SingleFlight<Key: Hashable & Sendable, Value: Sendable> {
    private var waiters: [Key: [CheckedContinuation<Value, any Error>]] = [:]

    /// The number of operations running.
    var inFlight: Int { waiters.count }

    func run(_ key: Key, operation: @Sendable () async throws -> Value) async throws -> Value {
        if waiters[key] != nil {
            return try await withCheckedThrowingContinuation { waiters[key, default: []].append($0) }
        }
        waiters[key] = []
        let result: Result<Value, any Error>
        do {
            result = .success(try await operation())
        } catch {
            result = .failure(error)
        }
        let sharing = waiters.removeValue(forKey: key) ?? []
        for waiter in sharing { waiter.resume(with: result) }
        return try result.get()
    }
}

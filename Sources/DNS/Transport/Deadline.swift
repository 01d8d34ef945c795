/// Runs `body`, throwing `timeoutError` and cancelling `body` when it takes longer than `timeout`.
func withDeadline<Result: Sendable>(
    _ timeout: Duration,
    timeoutError: @escaping @Sendable () -> any Error,
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask {
            try await body()
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else {
            throw timeoutError()
        }
        return result
    }
}

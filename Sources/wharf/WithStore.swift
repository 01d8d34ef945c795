import Logging
import Storage
import WharfServer

/// Runs `body` with the store `configuration` names, and closes it (the bucket's HTTP client)
/// afterwards, whether `body` returned or threw.
func withStore<Result>(
    _ configuration: WharfConfiguration,
    label: String,
    _ body: (any ContentStore) async throws -> Result
) async throws -> Result {
    let opened = configuration.openStore(logger: Logger(label: label))
    do {
        let result = try await body(opened.store)
        await opened.close()
        return result
    } catch {
        await opened.close()
        throw error
    }
}

extension BindPeer {
    /// Starts named, runs `body`, then stops named and removes its folder, whatever `body` did.
    public static func with<Result>(
        algorithm: String = "hmac-sha256",
        _ body: (BindPeer) async throws -> Result
    ) async throws -> Result {
        let bind = try await BindPeer.start(algorithm: algorithm)
        do {
            let result = try await body(bind)
            await bind.stop()
            bind.folder.remove()
            return result
        } catch {
            await bind.stop()
            bind.folder.remove()
            throw error
        }
    }
}

import WharfTesting

extension ChallTestServer {
    /// Starts pebble-challtestsrv, runs `body`, then stops it, whatever `body` did.
    static func with<Result>(_ body: (ChallTestServer) async throws -> Result) async throws -> Result {
        let server = try await ChallTestServer.start()
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}

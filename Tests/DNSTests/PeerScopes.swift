import WharfTesting

extension BindPeer {
    /// Starts named, runs `body`, then stops named and removes its folder, whatever `body` did.
    static func with<Result>(
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

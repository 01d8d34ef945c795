import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension UpstreamClient {
    /// How long a reachability probe may take.
    static let probeTimeout: TimeAmount = .seconds(5)

    /// Asks the upstream's `/v2/` whether it answers at all, and notes the outcome in ``health``.
    /// Any HTTP answer below 500 counts: 401 is what an upstream with token auth says to a
    /// client that has not signed in yet.
    /// - Returns: the status code the upstream answered with.
    public func probe() async throws(UpstreamError) -> Int {
        var request = HTTPClientRequest(url: configuration.url(""))
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "wharf")
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, deadline: .now() + Self.probeTimeout, logger: logger)
        } catch {
            let failure = Self.transportError(error, what: "GET \(configuration.origin)/v2/")
            health.recordFailure(failure.message)
            throw failure
        }
        await Self.discard(response)
        let status = Int(response.status.code)
        guard status < 500 else {
            let failure = UpstreamError(.unavailable, "GET \(configuration.origin)/v2/ answered \(status)")
            health.recordFailure(failure.message)
            throw failure
        }
        health.recordAnswer()
        return status
    }
}

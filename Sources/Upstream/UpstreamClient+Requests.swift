import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import OutboundURL
import Registry

extension UpstreamClient {
    /// Sends a request, answering one authentication challenge and following redirects.
    func perform(
        _ method: HTTPMethod,
        path: String,
        scope repository: RepositoryName,
        headers: [(String, String)],
        timeout: TimeAmount
    ) async throws(UpstreamError) -> HTTPClientResponse {
        let scope = "repository:\(repository):pull"
        var url = configuration.url(path)
        var authorization = await tokens.authorization(for: scope)
        var answeredChallenge = false
        var hops = 0
        let deadline = NIODeadline.now() + timeout
        while true {
            if let problem = OutboundURL.problem(url) {
                throw UpstreamError(.badResponse, "the upstream sent Wharf to an unusable URL \(Self.redacted(url)): \(problem)")
            }
            var request = HTTPClientRequest(url: url)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.headers.add(name: "User-Agent", value: "wharf")
            let onUpstream = isUpstreamOrigin(url)
            if onUpstream, let authorization {
                request.headers.add(name: "Authorization", value: authorization)
            }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, deadline: deadline, logger: logger)
            } catch {
                let failure = Self.transportError(error, what: "\(method) \(Self.redacted(url))")
                if onUpstream { health.recordFailure(failure.message) }
                throw failure
            }
            let status = response.status.code
            if onUpstream {
                budget.record(status: Int(status), headers: response.headers)
                if status < 500 { health.recordAnswer() } else { health.recordFailure("\(method) \(Self.redacted(url)) answered \(status)") }
            }
            if status == 401, onUpstream, !answeredChallenge {
                answeredChallenge = true
                let challenges = response.headers["WWW-Authenticate"].compactMap(AuthenticationChallenge.init(header:))
                await Self.discard(response)
                authorization = try await answer(challenges, scope: scope)
                continue
            }
            if let next = try await redirectTarget(of: response, from: url) {
                hops += 1
                guard hops <= Self.maximumRedirects else {
                    throw UpstreamError(.badResponse, "more than \(Self.maximumRedirects) redirects for \(path)")
                }
                url = next
                continue
            }
            return response
        }
    }
}

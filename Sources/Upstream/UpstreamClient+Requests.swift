import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1
import OutboundURL
import Registry

extension UpstreamClient {
    /// Sends a request, answering one authentication challenge and following redirects; a GET
    /// that failed before any byte of an answer came is sent once more.
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
        var retried = false
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
                response = try await execute(request, deadline: deadline)
            } catch {
                let failure = Self.transportError(error, what: "\(method) \(Self.redacted(url))")
                if onUpstream { health.recordFailure(failure.message) }
                if method == .GET, !retried, !Task.isCancelled {
                    retried = true
                    logger.info("upstream request failed before an answer; trying once more", metadata: ["error": "\(failure.message)"])
                    continue
                }
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

extension UpstreamClient {
    /// `http.execute`, failed when the answer's head has not come within the response timeout.
    /// Only the head is bounded: the body streams on under the client's idle timeout.
    private func execute(_ request: HTTPClientRequest, deadline: NIODeadline) async throws -> HTTPClientResponse {
        try await withThrowingTaskGroup(of: HTTPClientResponse?.self) { group in
            group.addTask { try await self.http.execute(request, deadline: deadline, logger: self.logger) }
            group.addTask {
                try await Task.sleep(for: self.timeouts.response)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let response = first else {
                throw HTTPClientError.readTimeout
            }
            return response
        }
    }
}

import AsyncHTTPClient
import Foundation
import NIOCore

extension DockerRegistryPeer {
    /// The parsed access log once it holds every request the registry answered before this call.
    ///
    /// The registry writes a request's line only after sending its response, so a client may
    /// read the log before the line of a request it already got the answer to. This sends a
    /// marker request of its own (`GET /v2/?settled=<uuid>`) and waits for the marker's line.
    /// A line is written as its request's handler returns; handlers that had answered before the
    /// marker was even sent have, in practice, returned by the time the marker's line is written.
    /// Marker lines are left out of the result.
    ///
    /// - Throws: when the marker request fails or its line does not appear within `timeout`.
    public func settledAccessLog(timeout: Duration = .seconds(10)) async throws -> [AccessLogEntry] {
        let marker = "settled=" + UUID().uuidString
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + "/v2/?" + marker), timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1024 * 1024)
        let deadline = ContinuousClock.now + timeout
        while true {
            let entries = accessLogEntries()
            if entries.contains(where: { $0.path.contains(marker) }) {
                return entries.filter { !$0.path.hasPrefix("/v2/?settled=") }
            }
            if ContinuousClock.now >= deadline {
                throw TestSupportError(
                    "\(name) did not log the marker request within \(timeout).\nAccess log tail:\n"
                        + accessLog().suffix(20).joined(separator: "\n")
                )
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

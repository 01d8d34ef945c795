/// One request line of a distribution registry's access log (Apache combined format), e.g.
/// `127.0.0.1 - - [29/Nov/2026:05:13:39 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"`.
public struct AccessLogEntry: Sendable, Equatable {
    /// The HTTP method, e.g. `GET`.
    public let method: String
    /// The request target (path and query), e.g. `/v2/library/test/blobs/sha256:...`.
    public let path: String
    /// The response status.
    public let status: Int
    /// The whole log line.
    public let line: String

    /// Parses `line`, or returns nil when it is not an access log line.
    public init?(line: String) {
        // `<remote> - <user> [<time>] "<method> <target> HTTP/<version>" <status> <size> ...`
        let fields = line.split(separator: " ", maxSplits: 3)
        guard fields.count == 4, fields[1] == "-", fields[3].hasPrefix("["),
              let open = line.firstIndex(of: "\"")
        else { return nil }
        let afterOpen = line.index(after: open)
        guard let close = line[afterOpen...].firstIndex(of: "\"") else { return nil }
        let request = line[afterOpen..<close].split(separator: " ")
        guard request.count == 3, request[2].hasPrefix("HTTP/") else { return nil }
        let rest = line[line.index(after: close)...].split(separator: " ")
        guard let statusText = rest.first, let status = Int(statusText) else { return nil }
        self.method = String(request[0])
        self.path = String(request[1])
        self.status = status
        self.line = line
    }
}

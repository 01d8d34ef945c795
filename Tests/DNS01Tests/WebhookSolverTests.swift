import ACME
import Foundation
import NIOHTTP1
import Testing
import WharfTesting

@testable import DNS
@testable import DNS01

/// The webhook provider against a test receiver that applies changes to pebble-challtestsrv.
@Suite("Webhook provider (lego httpreq)")
struct WebhookSolverTests {
    @Test("default mode posts {fqdn, value} with Basic auth; present waits for the resolver to show the value")
    func defaultModeWithBasicAuth() async throws {
        try await ChallTestServer.with { challtest in
            let expectedAuth = "Basic " + Data("acme:s3cret pass".utf8).base64EncodedString()
            try await WebhookReceiver.serving(challtest: challtest, requiredAuthorization: expectedAuth) { receiver in
                let solver = try WebhookSolver(
                    settings: WebhookSettings(
                        url: "http://127.0.0.1:\(receiver.port)/hook/",
                        username: "acme",
                        password: "s3cret pass"
                    ),
                    propagation: Fixtures.propagation(resolvers: [challtest.resolver]),
                    client: Fixtures.client
                )
                let proof = try await Fixtures.presentAndCleanUp(solver, host: "mirror.example.test", txtValues: challtest.txtValues)
                let value = DNS01Challenge.txtValue(for: proof.keyAuthorization)

                let expectedBody = ["fqdn": "_acme-challenge.mirror.example.test.", "value": value]
                #expect(
                    receiver.calls == [
                        .init(
                            path: "/hook/present",
                            authorization: expectedAuth,
                            contentType: "application/json",
                            body: expectedBody
                        ),
                        .init(
                            path: "/hook/cleanup",
                            authorization: expectedAuth,
                            contentType: "application/json",
                            body: expectedBody
                        ),
                    ]
                )
            }
        }
    }

    @Test("raw mode posts {domain, token, keyAuth}")
    func rawMode() async throws {
        try await ChallTestServer.with { challtest in
            try await WebhookReceiver.serving(challtest: challtest) { receiver in
                let solver = try WebhookSolver(
                    settings: WebhookSettings(url: "http://127.0.0.1:\(receiver.port)", mode: .raw),
                    propagation: Fixtures.propagation(resolvers: [challtest.resolver]),
                    client: Fixtures.client
                )
                let proof = Fixtures.proof("example.test", wildcard: true)
                try await solver.present(proof)
                #expect(
                    try await challtest.txtValues("_acme-challenge.example.test")
                        == [DNS01Challenge.txtValue(for: proof.keyAuthorization)]
                )
                try await solver.cleanup(proof)
                let expectedBody = ["domain": "example.test", "token": proof.token, "keyAuth": proof.keyAuthorization]
                #expect(receiver.calls.map(\.path) == ["/present", "/cleanup"])
                #expect(receiver.calls.allSatisfy { $0.body == expectedBody && $0.authorization == nil })
            }
        }
    }

    @Test("present returns only once the value is visible, when the provider publishes it late")
    func waitsForSlowProvider() async throws {
        try await ChallTestServer.with { challtest in
            try await WebhookReceiver.serving(challtest: challtest, behaviour: .applyLater(.milliseconds(700))) { receiver in
                let solver = try WebhookSolver(
                    settings: WebhookSettings(url: "http://127.0.0.1:\(receiver.port)"),
                    propagation: Fixtures.propagation(resolvers: [challtest.resolver]),
                    client: Fixtures.client
                )
                let proof = Fixtures.proof("slow.example.test")
                let start = ContinuousClock.now
                try await solver.present(proof)
                #expect(ContinuousClock.now - start >= .milliseconds(700))
                #expect(
                    try await challtest.txtValues("_acme-challenge.slow.example.test")
                        == [DNS01Challenge.txtValue(for: proof.keyAuthorization)]
                )
            }
        }
    }

    @Test("a value that never shows up is a propagation timeout naming the resolver")
    func neverPublished() async throws {
        try await ChallTestServer.with { challtest in
            try await WebhookReceiver.serving(challtest: challtest, behaviour: .acceptOnly) { receiver in
                let solver = try WebhookSolver(
                    settings: WebhookSettings(url: "http://127.0.0.1:\(receiver.port)"),
                    propagation: Fixtures.propagation(timeout: .seconds(1), resolvers: [challtest.resolver]),
                    client: Fixtures.client
                )
                let error = try await #require(throws: DNSError.self) {
                    try await solver.present(Fixtures.proof("never.example.test"))
                }
                #expect(error.kind == .propagationTimeout)
                #expect(error.description.contains(challtest.resolver))
            }
        }
    }

    @Test("wrong credentials: the 401 and the body's start are in the error, the password is not")
    func wrongPassword() async throws {
        try await ChallTestServer.with { challtest in
            let expectedAuth = "Basic " + Data("acme:right".utf8).base64EncodedString()
            try await WebhookReceiver.serving(challtest: challtest, requiredAuthorization: expectedAuth) { receiver in
                let solver = try WebhookSolver(
                    settings: WebhookSettings(url: "http://127.0.0.1:\(receiver.port)", username: "acme", password: "wrong-one"),
                    client: Fixtures.client
                )
                let error = try await #require(throws: DNSError.self) {
                    try await solver.present(Fixtures.proof("example.test"))
                }
                #expect(error.kind == .hookFailed)
                #expect(error.description.contains("401 Unauthorized: bad credentials"))
                #expect(error.description.contains("/present"))
                #expect(!error.description.contains("wrong-one"))
            }
        }
    }

    @Test("a 5xx answer is an error carrying the status and the start of the body")
    func serverError() async throws {
        try await ChallTestServer.with { challtest in
            let longBody = "zone example.test is read-only " + String(repeating: "x", count: 1_000)
            try await WebhookReceiver.serving(challtest: challtest, behaviour: .fail(.internalServerError, longBody)) {
                receiver in
                let solver = try WebhookSolver(
                    settings: WebhookSettings(url: "http://127.0.0.1:\(receiver.port)"),
                    client: Fixtures.client
                )
                let error = try await #require(throws: DNSError.self) {
                    try await solver.cleanup(Fixtures.proof("example.test"))
                }
                #expect(error.description.contains("500 Internal Server Error: zone example.test is read-only"))
                #expect(error.description.count < 600)
            }
        }
    }

    @Test(
        "bad settings are refused with the setting's name",
        arguments: [
            WebhookSettings(url: "ftp://example.test/hook"),
            WebhookSettings(url: "not a url"),
            WebhookSettings(url: "https://example.test", username: "only-user"),
        ]
    )
    func badSettings(settings: WebhookSettings) {
        let error = #expect(throws: DNSError.self) { try WebhookSolver(settings: settings) }
        #expect(error?.kind == .invalidConfiguration)
    }

    @Test("the settings' description hides the password")
    func redacted() {
        let settings = WebhookSettings(url: "https://hook.example.test", username: "acme", password: "hunter2")
        #expect(!settings.description.contains("hunter2"))
        #expect(!String(reflecting: settings).contains("hunter2"))
    }
}

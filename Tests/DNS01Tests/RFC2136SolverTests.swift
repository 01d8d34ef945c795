import ACME
import Foundation
import Testing
import WharfTesting

@testable import DNS
@testable import DNS01

/// The rfc2136 provider against a real named with TSIG and allow-update.
@Suite("RFC 2136 provider against BIND")
struct RFC2136SolverTests {
    private func solver(
        _ bind: BindPeer,
        secret: String? = nil,
        keyName: String? = nil,
        zone: String? = nil,
        propagation: PropagationSettings = Fixtures.propagation()
    ) throws -> RFC2136Solver {
        try RFC2136Solver(
            settings: RFC2136Settings(
                nameserver: bind.nameserver,
                tsigKey: keyName ?? bind.keyName,
                tsigAlgorithm: bind.keyAlgorithm,
                tsigSecret: secret ?? bind.keySecret,
                zone: zone
            ),
            propagation: propagation,
            client: Fixtures.client
        )
    }

    @Test("a wildcard and its apex coexist on one name; cleanup removes exactly one value, then the other")
    func wildcardAndApex() async throws {
        try await BindPeer.with { bind in
            let solver = try solver(bind)
            let apex = Fixtures.proof("example.test")
            let wildcard = Fixtures.proof("example.test", wildcard: true)
            let apexValue = DNS01Challenge.txtValue(for: apex.keyAuthorization)
            let wildcardValue = DNS01Challenge.txtValue(for: wildcard.keyAuthorization)

            try await solver.present(apex)
            #expect(try await bind.txtValues("_acme-challenge.example.test") == [apexValue])
            try await solver.present(wildcard)
            #expect(Set(try await bind.txtValues("_acme-challenge.example.test")) == [apexValue, wildcardValue])

            try await solver.cleanup(apex)
            #expect(try await bind.txtValues("_acme-challenge.example.test") == [wildcardValue])
            try await solver.cleanup(wildcard)
            #expect(try await bind.txtValues("_acme-challenge.example.test") == [])
            #expect(!bind.log().contains(bind.keySecret), "the secret must never reach a log")
        }
    }

    @Test("a name below the zone apex is found with SOA queries and published there")
    func subdomain() async throws {
        try await BindPeer.with { bind in
            let solver = try solver(bind)
            let proof = Fixtures.proof("mirror.example.test")
            let location = try await solver.locate(proof)
            #expect(
                location
                    == ZoneLocation(
                        recordName: try DNSName("_acme-challenge.mirror.example.test"),
                        zone: try DNSName("example.test")
                    )
            )

            try await solver.present(proof)
            #expect(
                try await bind.txtValues("_acme-challenge.mirror.example.test") == [
                    DNS01Challenge.txtValue(for: proof.keyAuthorization)
                ]
            )
            try await solver.cleanup(proof)
            #expect(try await bind.txtValues("_acme-challenge.mirror.example.test") == [])
        }
    }

    @Test("a CNAME on _acme-challenge is followed into the delegated challenge zone")
    func delegatedChallenge() async throws {
        try await BindPeer.with { bind in
            let solver = try solver(bind)
            let proof = Fixtures.proof("delegate.example.test")
            let value = DNS01Challenge.txtValue(for: proof.keyAuthorization)

            try await solver.present(proof)
            #expect(try await bind.txtValues("delegate.challenges.test") == [value])
            // A validator's resolver follows the alias to the value.
            #expect(
                try await bind.digShort("_acme-challenge.delegate.example.test", type: "CNAME") == "delegate.challenges.test.\n"
            )
            try await solver.cleanup(proof)
            #expect(try await bind.txtValues("delegate.challenges.test") == [])
        }
    }

    @Test("the secret can come from the key file tsig-keygen wrote, and the zone can be given")
    func keyFileAndZone() async throws {
        try await BindPeer.with(algorithm: "hmac-sha512") { bind in
            let solver = try RFC2136Solver(
                settings: RFC2136Settings(nameserver: bind.nameserver, tsigSecretFile: bind.keyFile, zone: "example.test."),
                propagation: Fixtures.propagation(),
                client: Fixtures.client
            )
            try await Fixtures.presentAndCleanUp(solver, host: "mirror.example.test", bind: bind)
        }
    }

    @Test("a wrong TSIG secret is a BADSIG error naming the key, and the zone is unchanged")
    func wrongSecret() async throws {
        try await BindPeer.with { bind in
            let wrong = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            let solver = try solver(bind, secret: wrong)
            let error = try await #require(throws: DNSError.self) {
                try await solver.present(Fixtures.proof("example.test"))
            }
            #expect(error.kind == .tsig)
            #expect(error.responseCode == .badSig)
            #expect(error.description.contains("the TSIG secret for key acme-key does not match the server's"))
            #expect(!error.description.contains(wrong))
            #expect(try await bind.txtValues("_acme-challenge.example.test") == [])
        }
    }

    @Test("a key the server does not know is a BADKEY error that says to check the name and algorithm")
    func unknownKey() async throws {
        try await BindPeer.with { bind in
            let solver = try solver(bind, keyName: "other-key")
            let error = try await #require(throws: DNSError.self) {
                try await solver.present(Fixtures.proof("example.test"))
            }
            #expect(error.kind == .tsig)
            #expect(error.responseCode == .badKey)
            #expect(error.description.contains("other-key"))
            #expect(error.description.contains("tsigalgorithm"))
        }
    }

    @Test("a name outside every zone the server serves is a clear error")
    func nameOutsideZones() async throws {
        try await BindPeer.with { bind in
            let solver = try solver(bind)
            let error = try await #require(throws: DNSError.self) {
                try await solver.present(Fixtures.proof("mirror.other.test"))
            }
            #expect(error.kind == .zoneNotFound)
            #expect(
                error.description.contains("no zone served by \(bind.nameserver) contains _acme-challenge.mirror.other.test.")
            )
            #expect(error.description.contains("REFUSED"))
        }
    }

    @Test("a configured zone that does not hold the name is refused before anything is sent")
    func nameOutsideConfiguredZone() async throws {
        try await BindPeer.with { bind in
            let solver = try solver(bind, zone: "challenges.test")
            let error = try await #require(throws: DNSError.self) {
                try await solver.present(Fixtures.proof("mirror.example.test"))
            }
            #expect(error.kind == .zoneNotFound)
            #expect(error.description.contains("is not inside the zone challenges.test."))
        }
    }

    @Test("a zone without allow-update for the key is REFUSED with the allow-update clause to add")
    func refusedZone() async throws {
        try await BindPeer.with { bind in
            let solver = try solver(bind)
            let error = try await #require(throws: DNSError.self) {
                try await solver.present(Fixtures.proof("mirror.locked.test"))
            }
            #expect(error.kind == .rejected)
            #expect(error.responseCode == .refused)
            #expect(error.description.contains("allow-update { key \"acme-key\"; }"))
        }
    }

    @Test("when no server ever shows the value, present fails after propagationtimeout and takes the value back")
    func propagationTimeout() async throws {
        try await BindPeer.with { bind in
            // A resolver that never has the value: a second named, serving its own example.test.
            try await BindPeer.with { other in
                let solver = try solver(
                    bind,
                    propagation: Fixtures.propagation(timeout: .seconds(1), resolvers: [other.nameserver])
                )
                let start = ContinuousClock.now
                let error = try await #require(throws: DNSError.self) {
                    try await solver.present(Fixtures.proof("example.test"))
                }
                #expect(error.kind == .propagationTimeout)
                #expect(error.description.contains(other.nameserver))
                // Bounded by the timeout, not by a fixed sleep (generous: the suite shares two cores).
                #expect(ContinuousClock.now - start < .seconds(60))
                #expect(try await bind.txtValues("_acme-challenge.example.test") == [])
            }
        }
    }
}

/// Which servers the rfc2136 propagation check asks.
@Suite("Authoritative servers of a zone")
struct AuthoritativeServersTests {
    @Test("NS names resolve through the nameserver itself and are asked on its port")
    func nsThroughNameserver() async throws {
        try await BindPeer.with { bind in
            let server = try DNSServerAddress(parsing: bind.nameserver)
            let locator = ZoneLocator(client: Fixtures.client, servers: [server], recursionDesired: false)
            let finder = AuthoritativeServers(locator: locator)
            let example = try await finder.find(zone: try DNSName("example.test"), port: bind.port)
            #expect(example == [CheckTarget(label: "ns.example.test.", addresses: [server])])
            let delegated = try await finder.find(zone: try DNSName("challenges.test"), port: bind.port)
            #expect(delegated == [CheckTarget(label: "ns.challenges.test.", addresses: [server])])
            #expect(try await finder.find(zone: try DNSName("hidden.test"), port: bind.port) == [])
        }
    }

    @Test("when the zone's NS names do not resolve, the check asks the nameserver the update went to")
    func fallbackToNameserver() async throws {
        try await BindPeer.with { bind in
            let solver = try RFC2136Solver(
                settings: RFC2136Settings(nameserver: bind.nameserver, tsigKey: bind.keyName, tsigSecret: bind.keySecret),
                propagation: Fixtures.propagation(),
                client: Fixtures.client
            )
            try await Fixtures.presentAndCleanUp(solver, host: "mirror.hidden.test", bind: bind)
        }
    }
}

/// How the server's refusals read.
@Suite("RFC 2136 errors from BIND")
struct RFC2136ErrorTests {
    private static func updater(_ bind: BindPeer, clock: @escaping @Sendable () -> UInt64 = TSIGSigner.now) throws
        -> RFC2136Updater
    {
        var updater = RFC2136Updater(
            client: Fixtures.client,
            server: try DNSServerAddress(parsing: bind.nameserver),
            signer: TSIGSigner(key: try TSIGKey(name: bind.keyName, secret: bind.keySecret))
        )
        updater.clock = clock
        return updater
    }

    @Test("a record outside the zone section's zone is NOTZONE, and says to fix `zone`")
    func notZone() async throws {
        try await BindPeer.with { bind in
            let error = try await #require(throws: DNSError.self) {
                try await Self.updater(bind).addTXT(
                    "v",
                    at: try DNSName("x.challenges.test"),
                    ttl: 60,
                    zone: try DNSName("example.test")
                )
            }
            #expect(error.responseCode == .notZone)
            #expect(error.description.contains("fix `zone`"))
        }
    }

    @Test("a zone the server does not serve is NOTAUTH, and says to point `nameserver` at the primary")
    func notAuth() async throws {
        try await BindPeer.with { bind in
            let error = try await #require(throws: DNSError.self) {
                try await Self.updater(bind).addTXT(
                    "v",
                    at: try DNSName("x.other.test"),
                    ttl: 60,
                    zone: try DNSName("other.test")
                )
            }
            #expect(error.kind == .rejected)
            #expect(error.responseCode == .notAuth)
            #expect(error.description.contains("`nameserver`"))
        }
    }

    @Test("a request signed 20 minutes off is BADTIME, and says to synchronise the clocks")
    func badTime() async throws {
        try await BindPeer.with { bind in
            let error = try await #require(throws: DNSError.self) {
                try await Self.updater(bind, clock: { TSIGSigner.now() - 1_200 })
                    .addTXT("v", at: try DNSName("x.example.test"), ttl: 60, zone: try DNSName("example.test"))
            }
            #expect(error.kind == .tsig)
            #expect(error.responseCode == .badTime)
            #expect(error.description.contains("NTP"))
            #expect(try await bind.txtValues("x.example.test") == [])
        }
    }

    @Test("SERVFAIL and NOTIMP answers carry a hint")
    func otherCodes() throws {
        let server = DNSServerAddress(host: "192.0.2.53")
        let zone = try DNSName("example.test")
        let servFail = DNSError.updateRejected(
            .servFail,
            isTSIG: false,
            server: server,
            zone: zone,
            key: nil,
            request: "the update"
        )
        #expect(
            servFail.description == "192.0.2.53:53 answered SERVFAIL to the update: the server could not apply the update: "
                + "look at its log (for BIND: the zone file's folder must be writable by named for the journal)"
        )
        let notImp = DNSError.updateRejected(.notImp, isTSIG: false, server: server, zone: zone, key: nil, request: "the update")
        #expect(notImp.description.contains("does not take RFC 2136 dynamic updates"))
    }
}

import Foundation
import Testing
import WharfTesting

@testable import DNS

/// Decoding what a real named answers, compared with what dig prints for the same question.
@Suite("Answers from named")
struct BindAnswerTests {
    @Test("SOA, NS (with the address in the additional section), A, CNAME, NXDOMAIN and REFUSED answers decode")
    func answersDecode() async throws {
        try await BindPeer.with { bind in
            let server = try DNSServerAddress(parsing: bind.nameserver)
            let client = Fixtures.client

            let soa = try await client.query(try DNSName("example.test"), type: .soa, server: server)
            #expect(soa.header.isResponse && soa.header.isAuthoritative && soa.header.responseCode == .noError)
            let soaData = try #require(soa.answers.first?.data)
            guard case .soa(let data) = soaData else {
                Issue.record("expected SOA data, got \(soaData)")
                return
            }
            #expect(data.primary == (try DNSName("ns.example.test")))
            #expect(data.responsible == (try DNSName("admin.example.test")))
            #expect([data.serial, data.refresh, data.retry, data.expire, data.minimum] == [1, 60, 60, 600, 60])
            #expect(
                try await bind.digShort("example.test", type: "SOA").contains(
                    "ns.example.test. admin.example.test. 1 60 60 600 60"
                )
            )

            let ns = try await client.query(try DNSName("example.test"), type: .ns, server: server)
            #expect(ns.answers.map(\.data) == [.name(try DNSName("ns.example.test"))])
            let loopback = DNSRecordData.address(try DNSAddress(parsing: "127.0.0.1"))
            let nsName = try DNSName("ns.example.test")
            #expect(ns.additionals.contains { $0.name == nsName && $0.data == loopback })

            let a = try await client.query(try DNSName("MIRROR.example.test"), type: .a, server: server)
            #expect(a.answers.map(\.data) == [.address(try DNSAddress(parsing: "127.0.0.1"))])
            #expect(a.answers.first?.name == (try DNSName("mirror.example.test")))
            #expect(try await bind.digShort("mirror.example.test", type: "A") == "127.0.0.1\n")

            let alias = try await client.query(try DNSName("_acme-challenge.delegate.example.test"), type: .txt, server: server)
            #expect(alias.answers.first?.type == .cname)
            #expect(alias.answers.first?.data == .name(try DNSName("delegate.challenges.test")))

            let missing = try await client.query(try DNSName("nothing.example.test"), type: .txt, server: server)
            #expect(missing.header.responseCode == .nxDomain)
            #expect(missing.authorities.first?.type == .soa)
            #expect(missing.authorities.first?.name == (try DNSName("example.test")))

            let elsewhere = try await client.query(try DNSName("mirror.other.test"), type: .soa, server: server)
            #expect(elsewhere.header.responseCode == .refused)
        }
    }

    @Test("an RRset too large for 512 bytes comes back whole over TCP after named truncates the UDP answer")
    func truncatedAnswerRetriesOverTCP() async throws {
        try await BindPeer.with { bind in
            let server = try DNSServerAddress(parsing: bind.nameserver)
            let key = try TSIGKey(name: bind.keyName, secret: bind.keySecret)
            let updater = RFC2136Updater(client: Fixtures.client, server: server, signer: TSIGSigner(key: key))
            let name = try DNSName("big.example.test")
            let values = (0..<20).map { "value-\($0)-" + String(repeating: "x", count: 40) }
            let records = values.map { DNSRecord(name: name, type: .txt, ttl: 60, data: .txt($0)) }
            try await updater.send(zone: try DNSName("example.test"), updates: records, describing: "adding 20 values")

            let dig = try Command.locate("dig", debianPackage: "bind9-dnsutils")
            let udpOnly = try await Command.run(
                dig,
                ["@127.0.0.1", "-p", "\(bind.port)", "+noedns", "+ignore", "+norec", "TXT", "big.example.test"]
            )
            #expect(udpOnly.stdout.contains(" tc"), "named should truncate this answer over UDP:\n\(udpOnly.stdout)")

            let answer = try await Fixtures.client.query(name, type: .txt, server: server)
            #expect(!answer.header.isTruncated)
            #expect(Set(answer.answers.compactMap(\.data.text)) == Set(values))
            #expect(Set(try await bind.txtValues("big.example.test")) == Set(values))
        }
    }

    @Test("a TXT value over 255 bytes is split into several strings, which dig shows and we join again")
    func multipleStrings() async throws {
        try await BindPeer.with { bind in
            let server = try DNSServerAddress(parsing: bind.nameserver)
            let key = try TSIGKey(name: bind.keyName, secret: bind.keySecret)
            let updater = RFC2136Updater(client: Fixtures.client, server: server, signer: TSIGSigner(key: key))
            let long = String(repeating: "a", count: 255) + String(repeating: "b", count: 45)
            let name = try DNSName("long.example.test")
            try await updater.addTXT(long, at: name, ttl: 60, zone: try DNSName("example.test"))

            let printed = try await bind.digShort("long.example.test", type: "TXT")
            #expect(printed == "\"\(String(repeating: "a", count: 255))\" \"\(String(repeating: "b", count: 45))\"\n")
            let answer = try await Fixtures.client.query(name, type: .txt, server: server)
            let data = try #require(answer.answers.first?.data)
            #expect(data == .txt([Array(repeating: 0x61, count: 255), Array(repeating: 0x62, count: 45)]))
            #expect(data.text == long)
        }
    }
}

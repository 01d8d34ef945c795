import Foundation
import Testing
import WharfTesting

@testable import DNS

/// Our encoder against the bytes real tools put on the wire (captured with ``UDPCapture``).
@Suite("Wire format against dig and nsupdate")
struct WireCaptureTests {
    @Test("a TXT query encodes byte for byte as dig sends it, OPT record included")
    func digQuery() async throws {
        let dig = try Command.locate("dig", debianPackage: "bind9-dnsutils")
        let captured = try await UDPCapture.capture { port in
            _ = try await Command.run(
                dig,
                [
                    "@127.0.0.1", "-p", "\(port)", "+tries=1", "+time=1", "+nocookie", "+noadflag", "TXT",
                    "_acme-challenge.Example.test",
                ],
                timeout: .seconds(20)
            )
        }
        let decoded = try DNSMessage(decoding: captured)
        #expect(decoded.header.recursionDesired)
        #expect(!decoded.header.isResponse)
        #expect(decoded.questions == [DNSQuestion(name: try DNSName("_acme-challenge.example.test"), type: .txt)])
        let opt = try #require(decoded.additionals.first)
        #expect(opt.type == .opt && opt.name == .root && opt.data == .opaque([]))

        let ours = DNSMessage(
            header: DNSHeader(id: decoded.header.id, opcode: .query, recursionDesired: true),
            questions: [DNSQuestion(name: try DNSName("_acme-challenge.Example.test"), type: .txt)],
            additionals: [
                DNSRecord(
                    name: .root,
                    type: .opt,
                    recordClass: DNSClass(rawValue: opt.recordClass.rawValue),
                    ttl: 0,
                    data: .opaque([])
                )
            ]
        )
        #expect(try ours.encoded() == captured)
        #expect(try decoded.encoded() == captured)
    }

    @Test(
        "an UPDATE signed by nsupdate matches ours byte for byte: compression, class NONE delete and the TSIG MAC",
        arguments: ["hmac-sha256", "hmac-sha1", "hmac-sha224", "hmac-sha384", "hmac-sha512"]
    )
    func nsupdateSigned(algorithm: String) async throws {
        let nsupdate = try Command.locate("nsupdate", debianPackage: "bind9-dnsutils")
        let keygen = try Command.locate("tsig-keygen", debianPackage: "bind9")
        let folder = try TemporaryFolder(prefix: "wharf-dns-capture")
        defer { folder.remove() }
        let generated = try await Command.run(keygen, ["-a", algorithm, "capture-key"])
        try #require(generated.succeeded, "tsig-keygen: \(generated.stderr)")
        try generated.stdout.write(toFile: folder.file("key"), atomically: true, encoding: .utf8)

        let captured = try await UDPCapture.capture { port in
            let commands = """
                server 127.0.0.1 \(port)
                zone example.test
                update add _acme-challenge.example.test. 60 TXT "new-value"
                update delete _acme-challenge.example.test. TXT "old-value"
                send

                """
            try commands.write(toFile: folder.file("commands"), atomically: true, encoding: .utf8)
            _ = try await Command.run(
                nsupdate,
                ["-k", folder.file("key"), "-t", "2", "-u", "1", "-r", "0", folder.file("commands")],
                timeout: .seconds(20)
            )
        }

        let decoded = try DNSMessage(decoding: captured)
        let name = try DNSName("_acme-challenge.example.test")
        #expect(decoded.header.opcode == .update)
        #expect(decoded.zone == [DNSQuestion(name: try DNSName("example.test"), type: .soa)])
        #expect(decoded.prerequisites.isEmpty)
        #expect(
            decoded.updates == [
                DNSRecord(name: name, type: .txt, recordClass: .in, ttl: 60, data: .txt("new-value")),
                DNSRecord(name: name, type: .txt, recordClass: .none, ttl: 0, data: .txt("old-value")),
            ]
        )
        let tsig = try #require(decoded.tsig)
        #expect(tsig.record.name == (try DNSName("capture-key")))
        #expect(tsig.data.algorithm == (try TSIGAlgorithm(algorithm)).name)
        #expect(tsig.data.fudge == 300)
        #expect(try decoded.encoded() == captured)

        let key = try TSIGKey.load(file: folder.file("key"))
        let unsigned = DNSMessage(
            header: DNSHeader(id: decoded.header.id, opcode: .update),
            questions: decoded.zone,
            authorities: decoded.updates
        )
        let signed = try TSIGSigner(key: key).sign(try unsigned.encoded(), time: tsig.data.timeSigned)
        #expect(signed.mac == tsig.data.mac)
        #expect(signed.message == captured)
    }
}

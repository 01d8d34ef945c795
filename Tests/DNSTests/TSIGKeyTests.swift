import Foundation
import Testing
import WharfTesting

@testable import DNS

/// TSIG keys: BIND's key file format, algorithms, redaction, and answer verification against named.
@Suite("TSIG keys and signatures")
struct TSIGKeyTests {
    @Test("a key file written by tsig-keygen loads with its name, algorithm and secret")
    func keygenFile() async throws {
        let keygen = try Command.locate("tsig-keygen", debianPackage: "bind9")
        let folder = try TemporaryFolder(prefix: "wharf-tsig")
        defer { folder.remove() }
        for algorithm in ["hmac-sha256", "hmac-sha512", "hmac-sha384", "hmac-sha224", "hmac-sha1"] {
            let generated = try await Command.run(keygen, ["-a", algorithm, "acme-key"])
            try #require(generated.succeeded)
            let path = folder.file("\(algorithm).key")
            try generated.stdout.write(toFile: path, atomically: true, encoding: .utf8)
            let key = try TSIGKey.load(file: path)
            #expect(key.name == (try DNSName("acme-key")))
            #expect(key.algorithm == (try TSIGAlgorithm(algorithm)))
            #expect(key.secret.count == key.algorithm.macLength)
        }
    }

    @Test("comments, other statements and several keys are handled; tsigkey picks one")
    func severalKeys() throws {
        let text = """
            # made by hand
            options { directory "/var/cache/bind"; };
            // the first key
            key first-key { algorithm HMAC-SHA512; secret "c2Vjb25k"; };
            /* the one we want */
            key "acme-key." {
                algorithm hmac-sha256.;
                secret "AAECAwQF";
            };
            """
        let key = try TSIGKeyFile.parse(text, source: "keys.conf", keyName: "acme-key")
        #expect(key.name == (try DNSName("acme-key")))
        #expect(key.algorithm == .hmacSHA256)
        #expect(key.secret == [0, 1, 2, 3, 4, 5])
        let first = try TSIGKeyFile.parse(text, source: "keys.conf", keyName: "first-key.")
        #expect(first.algorithm == .hmacSHA512)

        let ambiguous = #expect(throws: DNSError.self) { try TSIGKeyFile.parse(text, source: "keys.conf", keyName: nil) }
        #expect(ambiguous?.description.contains("several keys (first-key, acme-key.); set `tsigkey`") == true)
        let absent = #expect(throws: DNSError.self) { try TSIGKeyFile.parse(text, source: "keys.conf", keyName: "nope") }
        #expect(absent?.description.contains("no key named nope") == true)
    }

    @Test(
        "broken key files say what is wrong and never echo the secret",
        arguments: [
            ("key \"k\" { algorithm hmac-sha256; secret \"bm90LWJhc2U2NA==\";", "not closed"),
            ("key \"k\" { algorithm hmac-md5; secret \"AAECAwQF\"; };", "hmac-md5"),
            ("key \"k\" { algorithm hmac-sha256; };", "no `secret"),
            ("key \"k\" { algorithm hmac-sha256; secret \"!!not base64!!\"; };", "not valid base64"),
            ("", "holds no `key"),
            ("key \"k\" { secret \"AAEC\" }", "expected `;`"),
        ]
    )
    func brokenFiles(text: String, expected: String) {
        let error = #expect(throws: DNSError.self) { try TSIGKeyFile.parse(text, source: "tsig.key", keyName: nil) }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.description.contains("tsig.key") == true)
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("!!not base64!!") == false)
    }

    @Test("a missing key file names the path")
    func missingFile() {
        let error = #expect(throws: DNSError.self) { try TSIGKey.load(file: "/nonexistent/tsig.key") }
        #expect(error?.description == "cannot use the TSIG key file /nonexistent/tsig.key: it does not exist")
    }

    @Test("the secret appears in no description, debug description or dump")
    func redaction() throws {
        let key = try TSIGKey(name: "acme-key", secret: "c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==")
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, String(reflecting: key), "\(key)", dumped] {
            #expect(!text.contains("c2VjcmV0"))
            #expect(!text.contains("secret-value"))
        }
    }

    @Test("algorithm names parse as BIND and lego write them; others are refused with the list")
    func algorithmNames() throws {
        #expect(try TSIGAlgorithm("hmac-sha256.") == .hmacSHA256)
        #expect(try TSIGAlgorithm("HMAC-SHA512") == .hmacSHA512)
        #expect(TSIGAlgorithm.hmacSHA224.name.description == "hmac-sha224.")
        let error = #expect(throws: DNSError.self) { try TSIGAlgorithm("hmac-md5.sig-alg.reg.int") }
        #expect(error?.description.contains("hmac-sha256 (recommended)") == true)
    }

    @Test("SHA-224 and HMAC-SHA224 match FIPS 180-4 and RFC 4231 test vectors")
    func sha224Vectors() {
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(SHA224.hash(Array("abc".utf8))) == "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")
        #expect(hex(SHA224.hash([])) == "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(hex(SHA224.hash(long)) == "75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525")
        #expect(
            hex(SHA224.hmac(secret: Array(repeating: 0x0B, count: 20), data: Array("Hi There".utf8)))
                == "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22"
        )
        // RFC 4231 case 6: a key longer than the block size is hashed first.
        #expect(
            hex(
                SHA224.hmac(
                    secret: Array(repeating: 0xAA, count: 131),
                    data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
                )
            )
                == "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e"
        )
    }

    @Test("named's signed answers verify with the request MAC; a changed byte, another MAC or a skewed clock do not")
    func verifyBindAnswers() async throws {
        try await BindPeer.with { bind in
            let server = try DNSServerAddress(parsing: bind.nameserver)
            let signer = TSIGSigner(key: try TSIGKey(name: bind.keyName, secret: bind.keySecret))
            let query = DNSMessage(questions: [DNSQuestion(name: try DNSName("example.test"), type: .soa)])
            let now = TSIGSigner.now()
            let (request, mac) = try signer.sign(try query.encoded(), time: now)
            let answer = try await Fixtures.client.exchange(bytes: request, with: server)

            #expect(try signer.verify(answer, requestMAC: mac, now: now) == .verified)
            var otherMAC = mac
            otherMAC[0] ^= 1
            #expect(try signer.verify(answer, requestMAC: otherMAC, now: now) != .verified)
            var tampered = answer
            tampered[13] ^= 0x20  // the case of a letter in the question name
            #expect(try signer.verify(tampered, requestMAC: mac, now: now) != .verified)
            if case .clockSkew = try signer.verify(answer, requestMAC: mac, now: now + 1_000) {
            } else {
                Issue.record("an answer signed 1,000 s away should be refused as clock skew")
            }
            let unsignedAnswer = try await Fixtures.client.exchange(bytes: try query.encoded(), with: server)
            #expect(try signer.verify(unsignedAnswer, requestMAC: mac, now: now) == .unsigned)
        }
    }
}

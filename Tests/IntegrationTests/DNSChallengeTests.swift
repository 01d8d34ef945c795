import Foundation
import Testing
import WharfTesting

@Suite("DNS-01: certificates for a mirror Pebble's validator cannot reach")
struct DNSChallengeTests {
    @Test("RFC 2136 with TSIG against BIND: mirror.example.test and *.example.test in one order, no TXT left behind")
    func rfc2136() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-dns01")
        defer { folder.remove() }
        let bind = try await BindPeer.start()
        var options = PebbleOptions(httpPort: try FreePort.make())
        options.dnsServer = bind.nameserver
        let pebble = try await PebblePeer.start(in: folder, options: options)
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let started = ContinuousClock.now
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            httpYAML: """
                  tls:
                    letsencrypt:
                      hosts: [mirror.example.test, "*.example.test"]
                      directoryurl: \(pebble.directoryURL)
                      cabundle: \(pebble.caBundlePath)
                      cachefile: \(folder.file("acme"))
                      challenge: dns-01
                      dns:
                        provider: rfc2136
                        pollinginterval: 100ms
                        propagationtimeout: 30s
                        rfc2136:
                          nameserver: \(bind.nameserver)
                          tsigkey: \(bind.keyName)
                          tsigalgorithm: \(bind.keyAlgorithm)
                          tsigsecretfile: \(bind.keyFile)

                """
        )
        let rootPath = folder.file("root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        let issued = try await ACMEServingTests.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: rootPath)
        let elapsed = ContinuousClock.now - started
        #expect(issued?.verified == true, "\(wharf.log().suffix(3000))")
        #expect(try await ACMEServingTests.served(port: wharf.port, name: "anything.example.test", rootPath: rootPath)?.verified == true, "the wildcard covers other names")
        print("ACME DNS-01 (RFC 2136, BIND): from wharf serve to the first handshake with the issued certificate: \(elapsed)")
        #expect(try await bind.txtValues("_acme-challenge.example.test").isEmpty, "no _acme-challenge TXT left in the zone")
        #expect(try await bind.txtValues("_acme-challenge.mirror.example.test").isEmpty)
        #expect(!wharf.log().contains(bind.keySecret), "the TSIG secret never reaches the log")
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
        await bind.stop()
        bind.folder.remove()
    }

    @Test("an exec hook (lego's exec protocol) that sets the TXT through pebble-challtestsrv")
    func execHook() async throws {
        let folder = try TemporaryFolder(prefix: "wharf-dns01-exec")
        defer { folder.remove() }
        let pebble = try await PebblePeer.start(in: folder, options: PebbleOptions(httpPort: try FreePort.make()))
        let upstream = try await DockerRegistryPeer.start(in: folder)
        let hook = folder.file("dns-hook.sh")
        let record = folder.file("hook-calls.log")
        try """
            #!/bin/sh
            # lego exec protocol: $1 = present|cleanup, $2 = fqdn, $3 = value
            echo "$1 $2 $CERTBOT_DOMAIN" >> \(record)
            case "$1" in
              present) curl -sf -X POST -d "{\\"host\\":\\"$2\\",\\"value\\":\\"$3\\"}" http://127.0.0.1:\(pebble.dns.managementPort)/set-txt ;;
              cleanup) curl -sf -X POST -d "{\\"host\\":\\"$2\\"}" http://127.0.0.1:\(pebble.dns.managementPort)/clear-txt ;;
            esac
            """.write(toFile: hook, atomically: true, encoding: .utf8)
        #expect(chmod(hook, 0o755) == 0)
        let wharf = try await WharfProcess.start(
            in: folder,
            upstreamURL: upstream.url,
            httpYAML: """
                  tls:
                    letsencrypt:
                      hosts: [mirror.example.test]
                      directoryurl: \(pebble.directoryURL)
                      cabundle: \(pebble.caBundlePath)
                      cachefile: \(folder.file("acme"))
                      challenge: dns-01
                      dns:
                        provider: exec
                        pollinginterval: 100ms
                        propagationtimeout: 30s
                        resolvers: [127.0.0.1:\(pebble.dns.dnsPort)]
                        exec:
                          command: \(hook)
                          timeout: 20s

                """
        )
        let rootPath = folder.file("root.pem")
        try (try await pebble.rootPEM()).write(toFile: rootPath, atomically: true, encoding: .utf8)
        let issued = try await ACMEServingTests.waitForVerified(port: wharf.port, name: "mirror.example.test", rootPath: rootPath)
        #expect(issued?.verified == true, "\(wharf.log().suffix(3000))")
        let calls = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
        #expect(calls.contains("present _acme-challenge.mirror.example.test. mirror.example.test"), "\(calls)")
        #expect(calls.contains("cleanup _acme-challenge.mirror.example.test."))
        await wharf.stop()
        await upstream.stop()
        await pebble.stop()
    }
}

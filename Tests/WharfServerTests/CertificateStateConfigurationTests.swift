import Certificates
import Foundation
import S3
import Testing
import WharfServer

@Suite("where the ACME state lives")
struct CertificateStateConfigurationTests {
    let loader = ConfigurationLoader()

    static func yaml(bucket: Bool, cachefile: String?) -> String {
        var text = "version: 0.1\nhttp:\n  tls:\n    letsencrypt:\n      hosts: [mirror.example.com]\n"
        if let cachefile { text += "      cachefile: \(cachefile)\n" }
        if bucket {
            text += "storage:\n  s3:\n    bucket: fleet\n    accesskey: AK\n    secretkey: the-secret-value\n    regionendpoint: http://127.0.0.1:8333\n    rootdirectory: /wharf\n    forcepathstyle: true\n"
        }
        return text
    }

    @Test("with storage.s3 and no cachefile, in the bucket under <rootdirectory>/acme; config check says so and hides the secret")
    func bucket() async throws {
        let configuration = try loader.load(yaml: Self.yaml(bucket: true, cachefile: nil), source: "c.yml", environment: [:]).configuration
        let acme = try #require(configuration.acme)
        #expect(configuration.certificateStateLocation(acme).hasPrefix("s3://fleet/wharf/acme at http://127.0.0.1:8333"))
        let opened = configuration.openCertificateState(acme)
        #expect(opened.store is CertificateStateBucket)
        #expect(opened.location == configuration.certificateStateLocation(acme))
        await opened.close()
        let printed = ConfigurationPrinter.render(configuration)
        #expect(printed.contains("# certificate state: s3://fleet/wharf/acme"))
        #expect(!printed.contains("cachefile:"))
        #expect(!printed.contains("the-secret-value"))
        var reloaded = try loader.load(yaml: printed, source: "printed", environment: [:]).configuration
        reloaded.storageS3?.credentials = configuration.storageS3!.credentials
        #expect(reloaded == configuration, "what config check prints loads to the same configuration")
    }

    @Test("an explicit cachefile keeps the state in that folder, bucket or not; without either it is in certs")
    func folder() async throws {
        for (bucket, cachefile, expected) in [(true, "/srv/acme" as String?, "folder /srv/acme"), (false, "/srv/acme", "folder /srv/acme"), (false, nil, "folder certs")] {
            let configuration = try loader.load(yaml: Self.yaml(bucket: bucket, cachefile: cachefile), source: "c.yml", environment: [:]).configuration
            let acme = try #require(configuration.acme)
            #expect(configuration.certificateStateLocation(acme) == expected)
            let opened = configuration.openCertificateState(acme)
            #expect((opened.store as? CertificateStateFolder)?.folder == (cachefile ?? "certs"))
            await opened.close()
            let printed = ConfigurationPrinter.render(configuration)
            #expect(printed.contains("# certificate state: \(expected)"))
            #expect(printed.contains("cachefile:") == (cachefile != nil))
            var reloaded = try loader.load(yaml: printed, source: "printed", environment: [:]).configuration
            if bucket { reloaded.storageS3?.credentials = configuration.storageS3!.credentials }
            #expect(reloaded == configuration)
        }
    }
}

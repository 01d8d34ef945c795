import Foundation
import S3
import Testing
import WharfServer

@Suite("storage.s3 and storage.redirect")
struct S3ConfigurationTests {
    let loader = ConfigurationLoader()

    @Test("distribution's storage.s3 keys are read, and the secret is never printed")
    func readsKeys() throws {
        let yaml = """
            version: 0.1
            storage:
              s3:
                accesskey: AKIDWHARF
                secretkey: the-secret-key-value
                region: eu-central-1
                regionendpoint: http://127.0.0.1:8333
                bucket: mirror
                rootdirectory: /wharf/cache/
                forcepathstyle: true
                secure: false
                skipverify: true
                chunksize: 16777216
              redirect:
                disable: false
            """
        let configuration = try loader.load(yaml: yaml, source: "c.yml", environment: [:]).configuration
        let s3 = try #require(configuration.storageS3)
        #expect(s3.bucket == "mirror")
        #expect(s3.region == "eu-central-1")
        #expect(s3.endpoint == "http://127.0.0.1:8333")
        #expect(s3.rootDirectory == "wharf/cache")
        #expect(s3.forcePathStyle && !s3.secure && s3.skipVerify)
        #expect(s3.chunkSize == 16_777_216)
        #expect(s3.credentials == S3Credentials(accessKey: "AKIDWHARF", secretKey: "the-secret-key-value"))
        #expect(configuration.storageRedirect)
        let printed = ConfigurationPrinter.render(configuration)
        #expect(!printed.contains("the-secret-key-value"))
        #expect(printed.contains("bucket: \"mirror\""))
        #expect(!printed.contains("filesystem"))
    }

    @Test("the fleet example in Config/ configures a bucket and no folder")
    func fleetExample() throws {
        let path = ConfigurationLoaderTests.configFolder.appendingPathComponent("s3-fleet-mirror.yml").path
        let configuration = try loader.load(path: path, environment: [:]).configuration
        #expect(configuration.storageS3?.bucket == "registry-mirror")
        #expect(configuration.storageS3?.forcePathStyle == true)
        #expect(configuration.storageRedirect == false)
        #expect(!ConfigurationPrinter.render(configuration).contains("change-me"))
    }

    @Test("the keys may come from AWS's environment variables")
    func keysFromTheEnvironment() throws {
        let environment = ["AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "env-token"]
        let configuration = try loader.load(yaml: "storage:\n  s3:\n    bucket: b\n", source: "c.yml", environment: environment).configuration
        #expect(configuration.storageS3?.credentials == S3Credentials(accessKey: "AKENV", secretKey: "env-secret", sessionToken: "env-token"))
        #expect(configuration.storageS3?.region == "us-east-1")
        #expect(configuration.storageS3?.chunkSize == 10 * 1024 * 1024)
        #expect(configuration.storageRedirect == false)
        let printed = ConfigurationPrinter.render(configuration)
        #expect(!printed.contains("env-secret") && !printed.contains("env-token"))
    }

    @Test("storage.s3.peerurl is this instance's origin for the fleet; anything else is an error naming the key")
    func peerURL() throws {
        let base = "storage:\n  s3:\n    bucket: b\n    accesskey: a\n    secretkey: s\n    peerurl: "
        let configuration = try loader.load(yaml: base + "http://10.0.0.11:5000/\n", source: "c.yml", environment: [:]).configuration
        #expect(configuration.storageS3PeerURL == "http://10.0.0.11:5000")
        #expect(ConfigurationPrinter.render(configuration).contains("peerurl: \"http://10.0.0.11:5000\""))
        #expect(try loader.load(yaml: "storage:\n  s3:\n    bucket: b\n    accesskey: a\n    secretkey: s\n", source: "c.yml", environment: [:]).configuration.storageS3PeerURL == nil)
        for wrong in ["10.0.0.11:5000", "ftp://10.0.0.11", "http://10.0.0.11:5000/v2/"] {
            #expect {
                try loader.load(yaml: base + "\(wrong)\n", source: "c.yml", environment: [:])
            } throws: { error in
                "\(error)".contains("storage.s3.peerurl")
            }
        }
    }

    @Test("storage.s3 with storage.filesystem is an error naming both")
    func bothStores() {
        let yaml = "storage:\n  filesystem:\n    rootdirectory: /srv\n  s3:\n    bucket: b\n    accesskey: a\n    secretkey: s\n"
        #expect {
            try loader.load(yaml: yaml, source: "c.yml", environment: [:])
        } throws: { error in
            let text = "\(error)"
            return text.contains("storage.filesystem") && text.contains("storage.s3")
        }
    }

    @Test("REGISTRY_STORAGE_S3_* variables set the keys, as in distribution")
    func registryVariables() throws {
        let environment = [
            "REGISTRY_STORAGE_S3_BUCKET": "from-env", "REGISTRY_STORAGE_S3_ACCESSKEY": "a", "REGISTRY_STORAGE_S3_SECRETKEY": "s",
            "REGISTRY_STORAGE_S3_FORCEPATHSTYLE": "true",
        ]
        let configuration = try loader.load(yaml: "version: 0.1\n", source: "c.yml", environment: environment).configuration
        #expect(configuration.storageS3?.bucket == "from-env")
        #expect(configuration.storageS3?.forcePathStyle == true)
    }
}

import AsyncHTTPClient
import Foundation
import S3
import WharfTesting

/// Wharf processes on one SeaweedFS bucket (the run's shared SeaweedFS unless one is given),
/// in front of one upstream.
struct S3Fleet {
    let peer: SeaweedFSPeer
    let bucket: String
    let folder: TemporaryFolder
    let instances: [WharfProcess]

    /// The `storage:` driver section for `bucket` on `peer`.
    static func storageYAML(peer: SeaweedFSPeer, bucket: String, secretKey: String? = nil, endpoint: String? = nil) -> String {
        """
          s3:
            accesskey: \(peer.accessKey)
            secretkey: \(secretKey ?? peer.secretKey)
            region: us-east-1
            regionendpoint: \(endpoint ?? peer.endpoint)
            bucket: \(bucket)
            rootdirectory: /fleet
            forcepathstyle: true
            secure: false
            chunksize: 5242880
        """
    }

    static func start(
        _ name: String,
        count: Int,
        upstreamURL: String,
        peer: SeaweedFSPeer? = nil,
        storageYAML extra: String = "",
        environment: [String: String] = [:],
        peerURLs: Bool = false
    ) async throws -> S3Fleet {
        let peer = if let peer { peer } else { try await SeaweedFSPeer.shared() }
        let bucket = try await peer.makeBucket(prefix: name)
        let folder = try TemporaryFolder(prefix: "wharf-\(name)")
        var instances: [WharfProcess] = []
        do {
            for index in 0..<count {
                // With peerURLs, each instance writes its own origin into its leases (storage.s3.peerurl).
                let port = try FreePort.make()
                let driver = storageYAML(peer: peer, bucket: bucket) + (peerURLs ? "\n    peerurl: http://127.0.0.1:\(port)" : "")
                instances.append(
                    try await WharfProcess.start(
                        in: folder, upstreamURL: upstreamURL, storageYAML: extra, environment: environment, name: "wharf-\(index)",
                        port: port, storageDriverYAML: driver
                    )
                )
            }
        } catch {
            for instance in instances { await instance.stop() }
            throw error
        }
        return S3Fleet(peer: peer, bucket: bucket, folder: folder, instances: instances)
    }

    func stop() async {
        for instance in instances { await instance.stop() }
        folder.remove()
    }

    /// Runs `body` with a client on the fleet's bucket (keys relative to `rootdirectory`).
    func withBucket<T>(_ body: (S3Client) async throws -> T) async throws -> T {
        var settings = peer.settings(bucket: bucket, rootDirectory: "fleet")
        settings.chunkSize = S3Settings.minimumChunkSize
        let http = S3Client.makeHTTPClient(settings)
        do {
            let result = try await body(S3Client(settings: settings, http: http))
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

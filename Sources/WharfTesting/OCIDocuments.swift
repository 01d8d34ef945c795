import Foundation

/// The JSON documents ``ImageFactory`` writes, as Codable values (serialised with sorted keys).
enum OCIDocuments {
    struct Descriptor: Codable {
        var mediaType: String
        var digest: String
        var size: Int
        var platform: Platform?
    }

    struct Platform: Codable {
        var architecture: String
        var os: String
    }

    struct ImageManifest: Codable {
        var schemaVersion = 2
        var mediaType: String
        var config: Descriptor
        var layers: [Descriptor]
    }

    struct ImageIndex: Codable {
        var schemaVersion = 2
        var mediaType: String
        var manifests: [Descriptor]
    }

    struct ImageConfig: Codable {
        struct RootFS: Codable {
            var type = "layers"
            var diff_ids: [String]
        }

        struct Execution: Codable {
            var Env: [String]
            var Labels: [String: String]
        }

        struct History: Codable {
            var created: String
            var created_by: String
        }

        var architecture: String
        var os: String
        var created: String
        var config: Execution
        var rootfs: RootFS
        var history: [History]
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}

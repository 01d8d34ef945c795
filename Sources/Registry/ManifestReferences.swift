import Foundation

/// What a manifest refers to: an index's children with their platforms, or an image's config
/// and layers (what pre-warming fetches).
public enum ManifestReferences: Sendable, Equatable {
    /// A manifest an index lists.
    public struct Child: Sendable, Equatable {
        public var digest: Digest
        /// `os/architecture[/variant]`, when the index says.
        public var platform: String?
    }

    case index([Child])
    case image(blobs: [Digest])

    private struct Document: Decodable {
        struct Descriptor: Decodable {
            struct Platform: Decodable {
                var os: String
                var architecture: String
                var variant: String?
            }
            var digest: String
            var platform: Platform?
        }
        var manifests: [Descriptor]?
        var config: Descriptor?
        var layers: [Descriptor]?
    }

    /// Parses a manifest or an index (OCI or Docker schema 2).
    /// - Throws: ``RegistryError`` when it is neither.
    public init(_ bytes: [UInt8]) throws(RegistryError) {
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(bytes)) else {
            throw RegistryError(.manifestInvalid, "the manifest is not JSON Wharf can read")
        }
        if let manifests = document.manifests {
            var children: [Child] = []
            for entry in manifests {
                children.append(Child(digest: try Digest(parsing: entry.digest), platform: entry.platform.map { Self.platformName($0.os, $0.architecture, $0.variant) }))
            }
            self = .index(children)
        } else if let config = document.config, let layers = document.layers {
            var blobs: [Digest] = []
            for entry in [config] + layers { blobs.append(try Digest(parsing: entry.digest)) }
            self = .image(blobs: blobs)
        } else {
            throw RegistryError(.manifestInvalid, "the manifest has neither manifests nor config and layers (schema 1 is not warmed)")
        }
    }

    /// `os/architecture[/variant]`.
    static func platformName(_ os: String, _ architecture: String, _ variant: String?) -> String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }

    /// The children to warm: all, or those of `platform` (`linux/arm64` also matches `linux/arm64/v8`).
    public static func select(_ children: [Child], platform: String?) -> [Child] {
        guard let platform else { return children }
        return children.filter { child in
            guard let name = child.platform else { return false }
            return name == platform || name.hasPrefix(platform + "/")
        }
    }
}

import Foundation

/// What Wharf reads from a manifest's JSON: its declared media type.
///
/// A manifest's bytes are never rewritten; Wharf only needs the media type when the
/// upstream sends none (or a generic `application/json`).
public enum ManifestDocument {
    private struct Shape: Decodable {
        struct Present: Decodable {}
        let mediaType: String?
        let manifests: [Present]?
        let layers: [Present]?
        let fsLayers: [Present]?
        let signatures: [Present]?
    }

    /// The `mediaType` field of a manifest, or the type its shape implies.
    /// - Returns: `nil` when the bytes are not a JSON object with a recognisable shape.
    public static func mediaType(of bytes: [UInt8]) -> String? {
        guard let shape = try? JSONDecoder().decode(Shape.self, from: Data(bytes)) else { return nil }
        if let declared = shape.mediaType { return declared }
        if shape.manifests != nil { return MediaType.ociIndex }
        if shape.layers != nil { return MediaType.ociManifest }
        if shape.fsLayers != nil { return shape.signatures != nil ? MediaType.dockerSchema1Signed : MediaType.dockerSchema1 }
        return nil
    }
}

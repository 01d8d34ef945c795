/// A single-platform OCI image made by ``ImageFactory``: config, layers and manifest.
public struct TestImage: Sendable, Equatable {
    /// The config blob (`application/vnd.oci.image.config.v1+json`).
    public let config: TestBlob
    /// The layers (gzip'd tar archives, `application/vnd.oci.image.layer.v1.tar+gzip`), base first.
    public let layers: [TestBlob]
    /// The manifest's exact bytes.
    public let manifest: [UInt8]
    /// `sha256:` digest of ``manifest``.
    public let manifestDigest: String
    /// The manifest's media type, `application/vnd.oci.image.manifest.v1+json`.
    public let mediaType: String
    /// The platform architecture named in the config, e.g. `amd64`.
    public let architecture: String
    /// The platform OS named in the config, `linux`.
    public let os: String

    /// Creates an image from its parts; ``ImageFactory`` is the usual way to get one.
    public init(
        config: TestBlob,
        layers: [TestBlob],
        manifest: [UInt8],
        mediaType: String,
        architecture: String,
        os: String
    ) {
        self.config = config
        self.layers = layers
        self.manifest = manifest
        self.manifestDigest = TestBlob.digest(of: manifest)
        self.mediaType = mediaType
        self.architecture = architecture
        self.os = os
    }

    /// The config followed by the layers.
    public var blobs: [TestBlob] { [config] + layers }
}

/// A multi-platform OCI image index made by ``ImageFactory/index(_:)``.
public struct TestIndex: Sendable, Equatable {
    /// The index's exact bytes.
    public let manifest: [UInt8]
    /// `sha256:` digest of ``manifest``.
    public let digest: String
    /// `application/vnd.oci.image.index.v1+json`.
    public let mediaType: String
    /// The images the index lists, in order.
    public let images: [TestImage]

    /// Creates an index from its parts; ``ImageFactory/index(_:)`` is the usual way to get one.
    public init(manifest: [UInt8], mediaType: String, images: [TestImage]) {
        self.manifest = manifest
        self.digest = TestBlob.digest(of: manifest)
        self.mediaType = mediaType
        self.images = images
    }
}

/// Makes OCI test images whose layers are real gzip'd tar archives.
///
/// Each layer holds one file, `layer-<index>.bin`, of seeded pseudo-random (incompressible)
/// bytes sized so that the compressed layer is about the requested size (at least ~1.6 KiB
/// of tar and gzip framing). The same seed gives the same bytes, digests and manifests, so
/// images made with one seed share their layer blobs; use different seeds for distinct layers.
public enum ImageFactory {
    /// `application/vnd.oci.image.manifest.v1+json`.
    public static let manifestMediaType = "application/vnd.oci.image.manifest.v1+json"
    /// `application/vnd.oci.image.index.v1+json`.
    public static let indexMediaType = "application/vnd.oci.image.index.v1+json"
    /// `application/vnd.oci.image.config.v1+json`.
    public static let configMediaType = "application/vnd.oci.image.config.v1+json"
    /// `application/vnd.oci.image.layer.v1.tar+gzip`.
    public static let layerMediaType = "application/vnd.oci.image.layer.v1.tar+gzip"

    private static let created = "2024-01-01T00:00:00Z"

    /// An image for `linux/<architecture>` with one layer per entry of `layerSizes` (compressed bytes).
    ///
    /// The config's `rootfs.diff_ids` are the SHA-256 digests of the uncompressed tar archives.
    public static func image(layerSizes: [Int], seed: UInt64, architecture: String = "amd64") throws -> TestImage {
        var layers: [TestBlob] = []
        var diffIDs: [String] = []
        for (index, size) in layerSizes.enumerated() {
            let tar = layerArchive(index: index, compressedSize: size, seed: seed)
            diffIDs.append(TestBlob.digest(of: tar))
            layers.append(TestBlob(bytes: Gzip.compress(tar), mediaType: layerMediaType))
        }
        let configDocument = OCIDocuments.ImageConfig(
            architecture: architecture,
            os: "linux",
            created: created,
            config: .init(
                Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                Labels: ["org.wharf.test.seed": String(seed)]
            ),
            rootfs: .init(diff_ids: diffIDs),
            history: layers.indices.map { .init(created: created, created_by: "wharf ImageFactory layer \($0)") }
        )
        let config = TestBlob(bytes: try OCIDocuments.encode(configDocument), mediaType: configMediaType)
        let manifest = OCIDocuments.ImageManifest(
            mediaType: manifestMediaType,
            config: descriptor(config),
            layers: layers.map(descriptor)
        )
        return TestImage(
            config: config,
            layers: layers,
            manifest: try OCIDocuments.encode(manifest),
            mediaType: manifestMediaType,
            architecture: architecture,
            os: "linux"
        )
    }

    /// An image index listing `images` with their platforms.
    public static func index(_ images: [TestImage]) -> TestIndex {
        let document = OCIDocuments.ImageIndex(
            mediaType: indexMediaType,
            manifests: images.map { image in
                .init(
                    mediaType: image.mediaType,
                    digest: image.manifestDigest,
                    size: image.manifest.count,
                    platform: .init(architecture: image.architecture, os: image.os)
                )
            }
        )
        // Encoding these plain values cannot fail.
        let manifest = (try? OCIDocuments.encode(document)) ?? []
        return TestIndex(manifest: manifest, mediaType: indexMediaType, images: images)
    }

    private static func descriptor(_ blob: TestBlob) -> OCIDocuments.Descriptor {
        .init(mediaType: blob.mediaType, digest: blob.digest, size: blob.size)
    }

    /// The uncompressed tar of layer `index`, sized so its gzip is about `compressedSize` bytes.
    private static func layerArchive(index: Int, compressedSize: Int, seed: UInt64) -> [UInt8] {
        let framing = Gzip.compressedSize(inputSize: TarArchive.size(contentSize: 0))
        let blockHeaders = 5 * (compressedSize / 65_535)
        let contentSize = max(0, compressedSize - framing - blockHeaders) / TarArchive.blockSize * TarArchive.blockSize
        var random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(index) &+ 1)
        return TarArchive.singleFile(name: "layer-\(index).bin", contentSize: contentSize) { content in
            random.fill(content)
        }
    }
}

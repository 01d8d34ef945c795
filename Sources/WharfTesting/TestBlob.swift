import Crypto

/// A blob (config or layer) of a test image, with its digest.
public struct TestBlob: Sendable, Equatable {
    /// `sha256:<64 hex digits>` of ``bytes``.
    public let digest: String
    /// The blob's content.
    public let bytes: [UInt8]
    /// The media type manifests give the blob.
    public let mediaType: String

    /// Creates a blob, computing its digest.
    public init(bytes: [UInt8], mediaType: String) {
        self.digest = TestBlob.digest(of: bytes)
        self.bytes = bytes
        self.mediaType = mediaType
    }

    /// The blob's size in bytes.
    public var size: Int { bytes.count }

    /// The hex part of the digest, which is also the file name `skopeo copy ... dir:OUT` gives the blob.
    public var hex: String { String(digest.dropFirst("sha256:".count)) }

    /// `sha256:<hex>` of `bytes`.
    public static func digest(of bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

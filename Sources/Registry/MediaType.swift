/// Media types of the OCI image spec and Docker's registry v2 formats.
public enum MediaType {
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    public static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"

    /// Every manifest type Wharf passes through, in the order it asks upstream when a client sends no Accept.
    public static let allManifestTypes = [
        ociIndex, ociManifest, dockerManifestList, dockerManifest, dockerSchema1Signed, dockerSchema1,
    ]

    /// The `Accept` header Wharf sends upstream when the client sent none.
    public static let defaultManifestAccept = allManifestTypes.joined(separator: ", ")
}

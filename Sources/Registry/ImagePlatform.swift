/// Image platforms, as an index's `platform` names them.
public enum ImagePlatform {
    /// `linux/amd64` or `linux/arm64`: the images for the machine Wharf runs on.
    public static var host: String {
        #if arch(arm64)
        "linux/arm64"
        #else
        "linux/amd64"
        #endif
    }
}

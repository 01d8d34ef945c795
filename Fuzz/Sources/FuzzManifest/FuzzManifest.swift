import Registry

/// Manifest and index JSON as an upstream sends it: finding the media type never traps, and a
/// type implied by the shape (no `mediaType` field) is one of the manifest types Wharf knows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mediaType = ManifestDocument.mediaType(of: bytes) else { return 0 }
    let text = String(decoding: bytes, as: UTF8.self)
    if !text.contains("mediaType") && !text.contains("\\") {  // `\u0054` could spell it
        precondition(MediaType.allManifestTypes.contains(mediaType), "\(mediaType) was not declared")
    }
    _ = AcceptHeader([]).accepts(mediaType)
    return 0
}

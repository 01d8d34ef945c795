import Registry

/// Repository names, tags, digests, references and request paths: parsing never traps, and
/// whatever parses prints back as text that parses to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    if let name = try? RepositoryName(text) {
        precondition(name.value == text)
        precondition((try? RepositoryName(name.description)) == name)
        precondition(name.components.joined(separator: "/") == text)
        _ = name.dockerHubNormalized
    }
    if let tag = try? Tag(text) {
        precondition((try? Tag(tag.description)) == tag)
    }
    if let digest = try? Digest(parsing: text) {
        precondition(digest.description == text)
        precondition((try? Digest(parsing: digest.description)) == digest)
    }
    if let reference = try? Reference(parsing: text) {
        precondition((try? Reference(parsing: reference.description)) == reference)
    }
    if let route = try? RegistryRoute(path: text) {
        _ = route
    }
    return 0
}

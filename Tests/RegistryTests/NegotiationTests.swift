import Registry
import Testing

@Suite("Accept negotiation, ranges, errors, manifests")
struct NegotiationTests {
    @Test("an empty Accept takes anything and asks upstream for every manifest type")
    func emptyAccept() {
        let accept = AcceptHeader([])
        #expect(accept.accepts(MediaType.ociIndex))
        #expect(accept.upstreamValue == MediaType.defaultManifestAccept)
    }

    @Test("a client's Accept list is parsed across headers, without parameters")
    func clientAccept() {
        let accept = AcceptHeader(["application/vnd.oci.image.manifest.v1+json; q=0.9", "application/vnd.docker.distribution.manifest.v2+json"])
        #expect(accept.mediaTypes == [MediaType.ociManifest, MediaType.dockerManifest])
        #expect(accept.accepts(MediaType.dockerManifest))
        #expect(!accept.accepts(MediaType.ociIndex))
        #expect(AcceptHeader(["*/*"]).accepts(MediaType.ociIndex))
        // A wildcard asks upstream for every manifest type by name.
        #expect(AcceptHeader(["*/*"]).upstreamValue == MediaType.defaultManifestAccept)
        #expect(AcceptHeader(["application/json", "*/*"]).upstreamValue == "application/json, " + MediaType.defaultManifestAccept)
    }

    @Test("byte ranges resolve against the size; unsatisfiable ones are nil")
    func ranges() {
        #expect(ByteRange(header: "bytes=0-9")?.resolve(size: 100) == 0..<10)
        #expect(ByteRange(header: "bytes=90-")?.resolve(size: 100) == 90..<100)
        #expect(ByteRange(header: "bytes=-10")?.resolve(size: 100) == 90..<100)
        #expect(ByteRange(header: "bytes=50-500")?.resolve(size: 100) == 50..<100)
        #expect(ByteRange(header: "bytes=100-")?.resolve(size: 100) == nil)
        #expect(ByteRange(header: "bytes=5-1") == nil)
        #expect(ByteRange(header: "bytes=0-1,5-6") == nil)
        #expect(ByteRange(header: "items=0-1") == nil)
    }

    @Test("errors render the OCI JSON body with escaped messages")
    func errorBody() {
        let error = RegistryError(.manifestUnknown, "tag \"x\" unknown\n")
        #expect(error.jsonBody == #"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"tag \"x\" unknown\n","detail":{}}]}"# + "\n")
        #expect(error.code.status == 404)
        #expect(RegistryError.Code.unsupported.status == 405)
        #expect(RegistryError.Code.tooManyRequests.status == 429)
    }

    @Test("a manifest's media type comes from its field or its shape")
    func manifestMediaType() {
        #expect(ManifestDocument.mediaType(of: Array(#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"}"#.utf8)) == MediaType.dockerManifest)
        #expect(ManifestDocument.mediaType(of: Array(#"{"schemaVersion":2,"manifests":[]}"#.utf8)) == MediaType.ociIndex)
        #expect(ManifestDocument.mediaType(of: Array(#"{"schemaVersion":2,"config":{},"layers":[]}"#.utf8)) == MediaType.ociManifest)
        #expect(ManifestDocument.mediaType(of: Array("not json".utf8)) == nil)
    }
}

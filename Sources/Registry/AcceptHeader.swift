/// The media types a client accepts, from one or more `Accept` header values.
public struct AcceptHeader: Sendable, Equatable {
    /// The media types listed, without parameters, lower-cased.
    public let mediaTypes: [String]

    /// Parses header values such as `application/vnd.oci.image.index.v1+json, application/json;q=0.5`.
    public init(_ values: [String]) {
        mediaTypes = values.flatMap { $0.split(separator: ",") }.compactMap { item in
            let type = item.split(separator: ";", maxSplits: 1).first?.trimmingSpaces.lowercased() ?? ""
            return type.isEmpty ? nil : type
        }
    }

    /// Whether the client named no type at all (and so takes whatever the registry has).
    public var isEmpty: Bool { mediaTypes.isEmpty }

    /// Whether a manifest of `mediaType` may be sent to this client.
    public func accepts(_ mediaType: String) -> Bool {
        if mediaTypes.isEmpty { return true }
        let wanted = mediaType.lowercased()
        return mediaTypes.contains { $0 == wanted || $0 == "*/*" || ($0.hasSuffix("/*") && wanted.hasPrefix($0.dropLast())) }
    }

    /// The value to send upstream: the client's own list, or every manifest type when it sent
    /// none or a wildcard (registries such as distribution 2.8 do not serve OCI manifests to `*/*`).
    public var upstreamValue: String {
        if mediaTypes.isEmpty { return MediaType.defaultManifestAccept }
        let explicit = mediaTypes.filter { !$0.hasSuffix("/*") }
        guard explicit.count < mediaTypes.count else { return mediaTypes.joined(separator: ", ") }
        let added = MediaType.allManifestTypes.filter { !explicit.contains($0) }
        return (explicit + added).joined(separator: ", ")
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}

import NIOFileSystem
import Registry

/// Where each kind of object lives under the store's root folder.
///
///     blobs/sha256/<hex>                          verified blob bytes
///     manifests/sha256/<hex>                      "<media type>\n" + the exact manifest bytes
///     repositories/<upstream>/<name>/_tags/<tag>  JSON tag record
///     tmp/                                        downloads in progress; emptied at start
///
/// Every component comes from a validated ``Digest``, ``RepositoryName``, ``Tag`` or
/// ``UpstreamKey``, so no path built here can leave the root.
public struct StoreLayout: Sendable {
    /// The store's root folder.
    public let root: FilePath

    public init(root: FilePath) {
        self.root = root
    }

    public var blobsFolder: FilePath { root.appending("blobs") }
    public var manifestsFolder: FilePath { root.appending("manifests") }
    public var repositoriesFolder: FilePath { root.appending("repositories") }
    public var temporaryFolder: FilePath { root.appending("tmp") }

    /// The folder holding objects of one kind.
    public func folder(of kind: StoredObject.Key.Kind) -> FilePath {
        switch kind {
        case .blob: blobsFolder
        case .manifest: manifestsFolder
        }
    }

    public func blob(_ digest: Digest) -> FilePath {
        blobsFolder.appending(digest.algorithm.rawValue).appending(digest.hex)
    }

    public func manifest(_ digest: Digest) -> FilePath {
        manifestsFolder.appending(digest.algorithm.rawValue).appending(digest.hex)
    }

    public func tagsFolder(_ upstream: UpstreamKey, _ name: RepositoryName) -> FilePath {
        var path = repositoriesFolder.appending(upstream.value)
        for component in name.components { path.append(String(component)) }
        return path.appending("_tags")
    }

    public func tag(_ upstream: UpstreamKey, _ name: RepositoryName, _ tag: Tag) -> FilePath {
        tagsFolder(upstream, name).appending(tag.value)
    }
}

/// The name of an upstream as a store folder: its registry host, e.g. `docker.io` or `127.0.0.1_5000`.
public struct UpstreamKey: Hashable, Sendable, CustomStringConvertible {
    /// A folder-safe form of the name.
    public let value: String

    /// Builds a key from a registry host name (with an optional port).
    public init(host: String) {
        let safe = host.lowercased().map { character -> Character in
            character.isLetter && character.isASCII || character.isNumber && character.isASCII || character == "."
                || character == "-" ? character : "_"
        }
        var value = String(safe)
        if value.isEmpty || value.allSatisfy({ $0 == "." }) { value = "_" + value }
        self.value = value
    }

    public var description: String { value }
}

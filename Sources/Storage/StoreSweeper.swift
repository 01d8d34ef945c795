import Foundation
import Logging
import NIOFileSystem
import NIOPosix

/// Removes cached content by age and by size: objects unused for longer than `ttl`, then,
/// when the store is larger than `maxSize`, the least recently used until it is under 90%.
///
/// A response that has a blob open keeps reading it after removal (the descriptor stays
/// valid), so eviction never breaks a download in progress.
public struct StoreSweeper: Sendable {
    /// What one pass found and did.
    public struct Report: Sendable, Equatable {
        public var removed: [String] = []
        public var freedBytes: Int64 = 0
        public var bytesBefore: Int64 = 0
        public var objectsBefore = 0
        public var bytesAfter: Int64 { bytesBefore - freedBytes }
    }

    public let layout: StoreLayout
    /// Remove objects not used for this long; `nil` keeps them.
    public let ttl: TimeInterval?
    /// Keep the store under this many bytes; `nil` means no limit.
    public let maxSize: Int64?

    public init(layout: StoreLayout, ttl: TimeInterval?, maxSize: Int64?) {
        self.layout = layout
        self.ttl = ttl
        self.maxSize = maxSize
    }

    /// Whether there is anything to enforce.
    public var isActive: Bool { ttl != nil || maxSize != nil }

    private struct Object {
        let path: String
        let size: Int64
        let lastUse: TimeInterval
    }

    /// One pass. With `dryRun`, reports what would be removed and removes nothing.
    public func sweep(dryRun: Bool = false, now: TimeInterval = Date().timeIntervalSince1970) async throws -> Report {
        try await NIOThreadPool.singleton.runIfActive { sweepBlocking(dryRun: dryRun, now: now) }
    }

    private func sweepBlocking(dryRun: Bool, now: TimeInterval) -> Report {
        var objects = scan()
        var report = Report()
        report.bytesBefore = objects.reduce(0) { $0 + $1.size }
        report.objectsBefore = objects.count
        objects.sort { $0.lastUse < $1.lastUse }
        var total = report.bytesBefore
        let target = maxSize.map { $0 / 10 * 9 }
        var evicting = false
        for object in objects {
            let expired = ttl.map { now - object.lastUse > $0 } ?? false
            if let maxSize, total > maxSize { evicting = true }
            let overTarget = evicting && (target.map { total > $0 } ?? false)
            guard expired || overTarget else { continue }
            if !dryRun, unlink(object.path) != 0, errno != ENOENT { continue }
            report.removed.append(object.path)
            report.freedBytes += object.size
            total -= object.size
        }
        return report
    }

    /// Every blob and manifest with its size and last use.
    private func scan() -> [Object] {
        var objects: [Object] = []
        for folder in [layout.blobsFolder, layout.manifestsFolder] {
            for algorithm in ["sha256", "sha512"] {
                let directory = folder.appending(algorithm).string
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
                for name in names {
                    let path = directory + "/" + name
                    var info = stat()
                    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
                    objects.append(Object(path: path, size: Int64(info.st_size), lastUse: TimeInterval(info.st_mtim.tv_sec)))
                }
            }
        }
        return objects
    }
}

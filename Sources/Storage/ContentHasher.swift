import Crypto
import NIOCore
import Registry

/// A streaming hash for one digest algorithm.
public struct ContentHasher: Sendable {
    private enum State: Sendable {
        case sha256(SHA256)
        case sha512(SHA512)
    }

    private var state: State

    public init(_ algorithm: Registry.Digest.Algorithm) {
        switch algorithm {
        case .sha256: state = .sha256(SHA256())
        case .sha512: state = .sha512(SHA512())
        }
    }

    public mutating func update(_ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { update(bytes: $0) }
    }

    public mutating func update(bytes: UnsafeRawBufferPointer) {
        switch state {
        case .sha256(var hasher):
            hasher.update(bufferPointer: bytes)
            state = .sha256(hasher)
        case .sha512(var hasher):
            hasher.update(bufferPointer: bytes)
            state = .sha512(hasher)
        }
    }

    public func finalize() -> Registry.Digest {
        switch state {
        case .sha256(let hasher): Registry.Digest(algorithm: .sha256, bytes: hasher.finalize())
        case .sha512(let hasher): Registry.Digest(algorithm: .sha512, bytes: hasher.finalize())
        }
    }

    /// The digest of bytes held in memory.
    public static func digest(of bytes: [UInt8], algorithm: Registry.Digest.Algorithm = .sha256) -> Registry.Digest {
        var hasher = ContentHasher(algorithm)
        bytes.withUnsafeBytes { hasher.update(bytes: $0) }
        return hasher.finalize()
    }
}

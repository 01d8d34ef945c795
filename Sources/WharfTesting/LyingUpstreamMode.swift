/// How a ``LyingUpstream`` answers `GET /v2/<name>/blobs/<digest>`.
public enum LyingUpstreamMode: Sendable, Equatable {
    /// The blob's real bytes.
    case correct
    /// As many bytes as the blob has, every one of them different (each byte XOR 0xFF),
    /// still labelled with the requested digest.
    case wrongBytes
    /// `Content-Length: N`, then the first N/2 bytes, then the connection is closed.
    case truncated
    /// The status line and headers (`Content-Length: N`), then nothing until the upstream stops.
    case hang
    /// `Content-Length: N`, the first `bytes` bytes, then nothing until the upstream stops.
    case stallAfter(bytes: Int)
    /// The blob's real bytes with `Content-Length`, about `bytesPerSecond` of them a second
    /// (a tenth every 100 ms): a slow upstream, so that something can happen mid-blob.
    case trickle(bytesPerSecond: Int)
    /// The blob's real bytes in chunked transfer coding, with no `Content-Length` in the GET's
    /// head or in a HEAD's (HTTP/1.1 allows both): the size is known only at the end.
    case withoutLength
    /// Nothing at all, not even a status line, until the upstream stops.
    case noAnswer
    /// The first blob GET's connection is closed before any byte of an answer; the blob's real
    /// bytes after that (mode `correct`).
    case closeFirstThenCorrect
    /// `302` to `http://127.0.0.1:99999/…`, a port no socket can have.
    case redirectToImpossiblePort
}

/// Writes a POSIX ustar archive holding a single regular file.
enum TarArchive {
    static let blockSize = 512

    /// The archive's total size for a file of `contentSize` bytes: header, padded content, two zero blocks.
    static func size(contentSize: Int) -> Int {
        blockSize + paddedSize(contentSize) + 2 * blockSize
    }

    /// An archive with one file `name` (mode 0644, owner root, mtime `modificationTime`)
    /// whose `contentSize` bytes are written by `fillContent`.
    static func singleFile(
        name: String,
        contentSize: Int,
        modificationTime: Int = 1_700_000_000,
        fillContent: (UnsafeMutableRawBufferPointer) -> Void
    ) -> [UInt8] {
        precondition(name.utf8.count < 100, "tar name too long")
        precondition(contentSize < 0o77777777777, "tar content too large")
        var archive = [UInt8](repeating: 0, count: size(contentSize: contentSize))
        archive.withUnsafeMutableBytes { bytes in
            writeHeader(
                into: UnsafeMutableRawBufferPointer(rebasing: bytes[0..<blockSize]),
                name: name,
                size: contentSize,
                modificationTime: modificationTime
            )
            fillContent(UnsafeMutableRawBufferPointer(rebasing: bytes[blockSize..<(blockSize + contentSize)]))
        }
        return archive
    }

    private static func paddedSize(_ size: Int) -> Int {
        (size + blockSize - 1) / blockSize * blockSize
    }

    private static func writeHeader(
        into header: UnsafeMutableRawBufferPointer,
        name: String,
        size: Int,
        modificationTime: Int
    ) {
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() {
                header[offset + index] = byte
            }
        }
        func octal(_ value: Int, digits: Int) -> String {
            let text = String(value, radix: 8)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        put(name, at: 0)
        put(octal(0o644, digits: 7), at: 100)  // mode
        put(octal(0, digits: 7), at: 108)  // uid
        put(octal(0, digits: 7), at: 116)  // gid
        put(octal(size, digits: 11), at: 124)
        put(octal(modificationTime, digits: 11), at: 136)
        put("        ", at: 148)  // checksum field counts as spaces while summing
        put("0", at: 156)  // regular file
        put("ustar\u{0}00", at: 257)
        put("root", at: 265)
        put("root", at: 297)
        put(octal(0, digits: 7), at: 329)  // devmajor
        put(octal(0, digits: 7), at: 337)  // devminor
        let checksum = header.reduce(0) { $0 + Int($1) }
        put(octal(checksum, digits: 6) + "\u{0} ", at: 148)
    }
}

import WharfTesting

/// An `openssl` command that was expected to succeed and did not.
struct OpenSSLFailure: Error, CustomStringConvertible {
    let arguments: [String]
    let result: ProcessResult

    var description: String {
        "openssl \(arguments.joined(separator: " ")) exited with \(result.status)\n"
            + "stdout:\n\(result.stdout.suffix(2000))\nstderr:\n\(result.stderr.suffix(2000))"
    }
}

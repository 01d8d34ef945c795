import Foundation

@testable import HtpasswdAuth

/// htpasswd files and Basic credentials: parsing never traps; a file that loads has unique,
/// colon-free users, each with its hash; `Basic base64(user:password)` parses back to its parts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    if let file = try? HtpasswdFile.parse(text, path: "fuzz") {
        precondition(Set(file.users).count == file.users.count)
        for user in file.users {
            precondition(!user.isEmpty && !user.contains(":"))
            guard let hash = file.hash(for: user) else { preconditionFailure("no hash for \(user)") }
            precondition(HashFormat(hash).isAccepted)
        }
    }

    for line in HtpasswdText.lines(text) {
        let parsed = HtpasswdLine(line)
        if case .entry(let user, let hash) = parsed {
            precondition(!user.isEmpty && !hash.isEmpty && !user.contains(":"))
            let format = HashFormat(hash)
            precondition(format.isAccepted == (format.costClass != nil))
            // The same user and hash, as a client would send them.
            let header = "Basic " + Data((user + ":" + hash).utf8).base64EncodedString()
            if header.utf8.count <= BasicCredentials.maximumHeaderLength {
                guard let credentials = BasicCredentials(authorization: header) else {
                    preconditionFailure("\(header) does not parse")
                }
                precondition(credentials.user == user && credentials.password == Array(hash.utf8))
            }
        }
        // Each line as an Authorization header.
        _ = BasicCredentials(authorization: String(line))
    }
    _ = HtpasswdText.lineBreak(of: text)
    return 0
}

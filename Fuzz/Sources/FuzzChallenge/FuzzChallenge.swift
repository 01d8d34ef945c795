import Foundation
import OutboundURL
import Upstream

/// `WWW-Authenticate` challenges from an upstream registry: parsing never traps, a parsed
/// challenge prints back to the same challenge, and its realm is judged without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let challenge = AuthenticationChallenge(header: text) else { return 0 }
    precondition(!challenge.scheme.isEmpty && challenge.scheme == challenge.scheme.lowercased())
    precondition(!challenge.parameters.keys.contains(""))

    // Grapheme clusters can join a quote or comma with what follows it in other scripts; the
    // round trip is checked on printable ASCII, which is what registries send.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
        let parameters = challenge.parameters.sorted { $0.key < $1.key }.map { name, value in
            "\(name)=\"\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
        }
        let printed = ([challenge.scheme] + [parameters.joined(separator: ", ")]).joined(separator: " ")
        precondition(AuthenticationChallenge(header: printed) == challenge, "\(printed) parses differently")
    }

    // What the client does with a Bearer realm before it sends a token request there.
    if let realm = challenge.parameters["realm"], var components = URLComponents(string: realm),
        let host = components.host
    {
        _ = RegistrableDomain.sameSite(host, "registry-1.docker.io")
        var query = components.queryItems ?? []
        if let service = challenge.parameters["service"] { query.append(URLQueryItem(name: "service", value: service)) }
        query.append(URLQueryItem(name: "scope", value: "repository:library/alpine:pull"))
        components.queryItems = query
        if let url = components.url?.absoluteString {
            _ = OutboundURL.problem(url)
        }
    }
    return 0
}

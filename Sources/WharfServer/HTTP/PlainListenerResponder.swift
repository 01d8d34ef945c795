import ACME
import Certificates
import Hummingbird
import HTTPTypes
import NIOCore

/// The plain-HTTP listener next to the TLS one: it answers ACME HTTP-01 challenges from the
/// token table (then from the challenges other instances sharing the ACME state published) and redirects everything else, permanently, to the https URL.
struct PlainListenerResponder: HTTPResponder {
    typealias Context = WharfRequestContext

    let tokens: HTTP01TokenTable
    /// The tokens other instances sharing the ACME state published.
    let shared: SharedChallenges?
    /// The TLS listener's port, used in the redirect when no external URL is configured.
    let httpsPort: Int
    /// `http.host`, when configured: redirects go there.
    let externalURL: String?

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix(HTTP01TokenTable.pathPrefix) {
            let token = String(path.dropFirst(HTTP01TokenTable.pathPrefix.count))
            guard request.method == .get || request.method == .head, let keyAuthorization = await keyAuthorization(for: token) else {
                return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "unknown challenge token\n")))
            }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(string: keyAuthorization)))
        }
        let location = redirectTarget(host: request.head.authority, pathAndQuery: request.uri.description)
        return Response(status: .permanentRedirect, headers: [.location: location, .contentLength: "0"])
    }

    /// The key authorization of `token`: this instance's own, else one another instance published.
    private func keyAuthorization(for token: String) async -> String? {
        if let own = tokens.keyAuthorization(for: token) { return own }
        return await shared?.keyAuthorization(forToken: token)
    }

    func redirectTarget(host: String?, pathAndQuery: String) -> String {
        if let externalURL {
            return (externalURL.hasSuffix("/") ? String(externalURL.dropLast()) : externalURL) + pathAndQuery
        }
        var name = host ?? "localhost"
        // Drop the plain listener's port; keep IPv6 brackets.
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("]") { name = String(name[..<colon]) }
        let port = httpsPort == 443 ? "" : ":\(httpsPort)"
        return "https://\(name)\(port)\(pathAndQuery)"
    }
}

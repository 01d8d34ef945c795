import Certificates
import NIOCore
import NIOSSL
import Storage

/// Reads the client certificate a connection's handshake verified and checks it against the
/// revocation list, for every request (so a keep-alive connection of a certificate revoked
/// since its handshake is refused at its next request).
///
/// The handshake itself (``CertificateProvider``'s configuration with `auth.clientcert.cas`)
/// already refused a certificate from another CA or out of its validity; a certificate reaching
/// this point chains to a configured CA.
struct ClientCertificateGate: Sendable {
    /// What the connection's certificate says about a request.
    enum Outcome: Equatable {
        /// No certificate was offered.
        case none
        /// A verified certificate not on the revocation list.
        case verified(ClientCertificateIdentity)
        /// A verified certificate that the revocation list names.
        case revoked(ClientCertificateIdentity)
    }

    /// The revocation list; nil when `auth.clientcert.revoked` is not set.
    let revocations: ClientCertificateRevocations?
    /// Identities already read, by the certificate's DER bytes: a connection's certificate is the
    /// same for all its requests, so the X.509 parse and the fingerprint are done once.
    private let identities = BoundedCache<[UInt8], ClientCertificateIdentity>(capacity: 4096)

    init(revocations: ClientCertificateRevocations?) {
        self.revocations = revocations
    }

    func check(_ channel: any Channel) async -> Outcome {
        guard let certificate = await Self.peerCertificate(of: channel),
              let identity = identity(of: certificate)
        else { return .none }
        return revocations?.isRevoked(identity) == true ? .revoked(identity) : .verified(identity)
    }

    private func identity(of certificate: NIOSSLCertificate) -> ClientCertificateIdentity? {
        guard let der = try? certificate.toDERBytes() else { return nil }
        if let known = identities.value(for: der) { return known }
        guard let identity = try? ClientCertificateIdentity(der: der) else { return nil }
        identities.store(identity, for: der)
        return identity
    }

    /// The peer certificate of the TLS connection `channel` belongs to: the channel itself for
    /// HTTP/1.1, its parent for an HTTP/2 stream.
    private static func peerCertificate(of channel: any Channel) async -> NIOSSLCertificate? {
        if let certificate = try? await channel.nioSSL_peerCertificate().get() { return certificate }
        guard let parent = channel.parent else { return nil }
        return try? await parent.nioSSL_peerCertificate().get()
    }
}

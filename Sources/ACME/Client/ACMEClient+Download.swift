import Logging
import SwiftASN1
import X509

extension ACMEClient {
    static let pemChainType = "application/pem-certificate-chain"

    /// Downloads the chain; when `preferredChain` names another root, the alternates too.
    func download(_ url: String, order: OrderParameters, account: Account, connection: ACMEConnection) async throws -> IssuedCertificate {
        let response = try await connection.postAsGet(url, signer: account.signer, action: "the certificate download", accept: Self.pemChainType)
        var chains = [try CertificateChain(pem: response.text, url: url)]
        if let preferred = order.preferredChain, ChainSelector.choose(chains, preferred: preferred).topIssuerCommonName?.lowercased() != preferred.lowercased() {
            for alternate in LinkHeader.targets(rel: "alternate", in: response.headers) {
                let answer = try await connection.postAsGet(alternate, signer: account.signer, action: "the alternate chain download", accept: Self.pemChainType)
                let chain = try CertificateChain(pem: answer.text, url: alternate)
                chains.append(chain)
                if chain.topIssuerCommonName?.lowercased() == preferred.lowercased() {
                    break
                }
            }
            if ChainSelector.choose(chains, preferred: preferred).topIssuerCommonName?.lowercased() != preferred.lowercased() {
                let offered = chains.compactMap(\.topIssuerCommonName).joined(separator: ", ")
                logger.warning("no chain leads to the preferred root; using the default", metadata: ["preferredchain": "\(preferred)", "offered": "\(offered)"])
            }
        }
        let chain = ChainSelector.choose(chains, preferred: order.preferredChain)
        guard chain.leaf.publicKey == order.key.privateKey.publicKey else {
            throw ACMEError.invalidCertificate(url, reason: "the leaf's public key is not the key of the request; order again")
        }
        var issued = IssuedCertificate(
            chainPEM: chain.pem,
            privateKeyPEM: order.key.pemRepresentation,
            notBefore: chain.leaf.notValidBefore,
            notAfter: chain.leaf.notValidAfter,
            serial: chain.serial,
            issuer: chain.leafIssuerCommonName ?? "",
            hosts: order.identifiers.map(\.value),
            certificateURL: url
        )
        issued.challengeType = order.solver.challengeType
        return issued
    }
}

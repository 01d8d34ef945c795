/// Picks among the default chain and the alternates the CA offers (`Link: rel="alternate"`).
enum ChainSelector {
    /// The chain whose topmost certificate was issued by `preferred` (compared without case),
    /// else the first chain (the CA's default). `chains` must not be empty.
    static func choose(_ chains: [CertificateChain], preferred: String?) -> CertificateChain {
        guard let preferred = preferred?.lowercased(), !preferred.isEmpty else { return chains[0] }
        return chains.first { $0.topIssuerCommonName?.lowercased() == preferred } ?? chains[0]
    }
}

/// `auth.clientcert.*` and `auth.trustednetworks`.
extension ConfigurationLoader {
    /// `auth.clientcert.*`
    static func clientCertificateSettings(_ reader: TreeReader) throws(ConfigurationError) -> WharfConfiguration.ClientCertificateSettings? {
        guard reader.value("auth.clientcert") != nil else { return nil }
        guard let cas = try reader.strings("auth.clientcert.cas"), !cas.isEmpty, !cas.contains(where: \.isEmpty) else {
            throw reader.error("auth.clientcert.cas", "give the PEM files of the CAs that sign client certificates (`wharf client-cert issue` uses Wharf's local CA)")
        }
        let revoked = try reader.string("auth.clientcert.revoked")
        if let revoked, revoked.isEmpty { throw reader.error("auth.clientcert.revoked", "must be a file path (an empty file revokes nothing)") }
        return .init(cas: cas, revoked: revoked)
    }

    /// `auth.trustednetworks`: CIDRs whose clients pull without credentials.
    static func trustedNetworks(_ reader: TreeReader) throws(ConfigurationError) -> [IPNetwork] {
        guard let texts = try reader.strings("auth.trustednetworks") else { return [] }
        var networks: [IPNetwork] = []
        for text in texts {
            guard let network = IPNetwork(text) else {
                throw reader.error("auth.trustednetworks", "\(String(reflecting: text)) is not a network in CIDR notation, such as 10.0.0.0/8 or fd00::/8")
            }
            networks.append(network)
        }
        return networks
    }
}

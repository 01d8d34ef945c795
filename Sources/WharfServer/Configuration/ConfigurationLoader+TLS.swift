import Foundation

/// `http.tls.*` and `auth.*`.
extension ConfigurationLoader {
    /// `http.tls.*`: certificate files, minimum version, client CAs.
    static func tlsSettings(_ reader: TreeReader) throws(ConfigurationError) -> WharfConfiguration.TLSSettings? {
        let certificate = try reader.string("http.tls.certificate")
        let key = try reader.string("http.tls.key")
        guard reader.value("http.tls") != nil else { return nil }
        var settings: WharfConfiguration.TLSSettings
        if let acme = try acmeSettings(reader) {
            guard certificate == nil, key == nil else {
                throw reader.error("http.tls.letsencrypt", "give either http.tls.certificate and key, or http.tls.letsencrypt.hosts, not both")
            }
            settings = .init(source: .acme(acme))
        } else {
            guard let certificate, let key, !certificate.isEmpty, !key.isEmpty else {
                throw reader.error("http.tls", "give both http.tls.certificate and http.tls.key (PEM files), or http.tls.letsencrypt.hosts")
            }
            settings = .init(source: .files(certificate: certificate, key: key))
        }
        if let minimum = try reader.string("http.tls.minimumtls") {
            switch minimum.lowercased() {
            case "tls1.2": settings.minimumVersion = .tls12
            case "tls1.3": settings.minimumVersion = .tls13
            case "tls1.0", "tls1.1": throw reader.error("http.tls.minimumtls", "\(minimum) is not offered: TLS 1.2 is the minimum")
            default: throw reader.error("http.tls.minimumtls", "\"\(minimum)\" is not one of tls1.2, tls1.3")
            }
        }
        settings.clientCAs = try reader.strings("http.tls.clientcas") ?? []
        return settings
    }

    /// `auth.htpasswd.*`
    static func htpasswdSettings(_ reader: TreeReader) throws(ConfigurationError) -> WharfConfiguration.HtpasswdSettings? {
        guard reader.value("auth.htpasswd") != nil else { return nil }
        guard let path = try reader.string("auth.htpasswd.path"), !path.isEmpty else {
            throw reader.error("auth.htpasswd.path", "give the htpasswd file (create it with `wharf htpasswd add FILE USER`)")
        }
        var settings = WharfConfiguration.HtpasswdSettings(realm: try reader.string("auth.htpasswd.realm") ?? "Wharf", path: path)
        if let limit = try reader.string("auth.htpasswd.failurelimit") {
            guard let value = Int(limit), value > 0 else { throw reader.error("auth.htpasswd.failurelimit", "must be a positive number") }
            settings.failureLimit = value
        }
        if let window = try reader.string("auth.htpasswd.failurewindow") {
            settings.failureWindow = try duration(window, key: "auth.htpasswd.failurewindow", reader: reader)
        }
        return settings
    }

}

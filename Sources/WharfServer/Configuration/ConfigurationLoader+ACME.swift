import ACME
import DNS
import DNS01
import FileIO
import Foundation
import OutboundURL

/// `http.tls.letsencrypt.*`, DNS-01 included.
extension ConfigurationLoader {
    /// `http.tls.letsencrypt.*`; `nil` when no hosts are given (the section may hold only httpaddr).
    static func acmeSettings(_ reader: TreeReader) throws(ConfigurationError) -> WharfConfiguration.ACMESettings? {
        guard let hosts = try reader.strings("http.tls.letsencrypt.hosts") else {
            for key in ["email", "directoryurl", "cachefile", "challenge", "keytype", "cabundle", "preferredchain", "profile", "eab"]
            where reader.value("http.tls.letsencrypt.\(key)") != nil {
                throw reader.error("http.tls.letsencrypt.hosts", "ACME needs the names to order a certificate for")
            }
            return nil
        }
        guard !hosts.isEmpty, hosts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") && !$0.contains("/") }) else {
            throw reader.error("http.tls.letsencrypt.hosts", "must list host names such as mirror.example.com")
        }
        // An address in its one canonical text, as the issued certificate's SAN reads back.
        let canonical = hosts.map { host in IPAddressText.bytes(of: host).flatMap { IPAddressText.text(of: $0) } ?? host.lowercased() }
        var settings = WharfConfiguration.ACMESettings(hosts: canonical)
        if let url = try reader.string("http.tls.letsencrypt.directoryurl") {
            if let problem = OutboundURL.problem(url) {
                throw reader.error("http.tls.letsencrypt.directoryurl", "must be the CA's directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory (\(problem))")
            }
            settings.directoryURL = url
        }
        settings.email = try reader.string("http.tls.letsencrypt.email")
        if let folder = try reader.string("http.tls.letsencrypt.cachefile") {
            settings.stateFolder = folder
            settings.stateFolderConfigured = true
        }
        settings.challenges = try challengeSettings(reader)
        if let address = settings.hosts.first(where: { IPAddressText.bytes(of: $0) != nil }), settings.challenges.contains(where: { $0.type == .dns01 }) {
            throw reader.error(
                "http.tls.letsencrypt.challenge",
                "dns-01 cannot validate the IP address \(address) in hosts (RFC 8738: an address has no DNS name to put a TXT record under); use http-01 or tls-alpn-01"
            )
        }
        settings.caBundle = try reader.string("http.tls.letsencrypt.cabundle")
        if let text = try reader.string("http.tls.letsencrypt.keytype") {
            guard let keyType = KeyType(rawValue: text) else {
                let accepted = KeyType.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.error("http.tls.letsencrypt.keytype", "\"\(text)\" is not one of \(accepted)")
            }
            settings.keyType = keyType
        }
        settings.eabKeyID = try reader.string("http.tls.letsencrypt.eab.kid")
        settings.eabHMACKey = try reader.string("http.tls.letsencrypt.eab.hmackey")
        if (settings.eabKeyID == nil) != (settings.eabHMACKey == nil) {
            throw reader.error("http.tls.letsencrypt.eab", "kid and hmackey go together")
        }
        settings.preferredChain = try reader.string("http.tls.letsencrypt.preferredchain")
        if let profile = try reader.string("http.tls.letsencrypt.profile") {
            guard !profile.isEmpty, !profile.contains(where: \.isWhitespace) else {
                throw reader.error("http.tls.letsencrypt.profile", "must name one of the CA's certificate profiles, e.g. classic")
            }
            settings.profile = profile
        }
        return settings
    }

    /// `http.tls.letsencrypt.challenge`: one type or an ordered list, with `dns` for DNS-01 (and
    /// `dns` refused without it).
    static func challengeSettings(_ reader: TreeReader) throws(ConfigurationError) -> [WharfConfiguration.ChallengeSettings] {
        let key = "http.tls.letsencrypt.challenge"
        var types: [ChallengeType] = []
        for text in try reader.strings(key) ?? [ChallengeType.http01.rawValue] {
            guard let parsed = ChallengeType(rawValue: text) else {
                let accepted = ChallengeType.allCases.map(\.rawValue).joined(separator: ", ")
                throw reader.error(key, "\"\(text)\" is not supported; use one of \(accepted), or an ordered list of them")
            }
            guard !types.contains(parsed) else { throw reader.error(key, "lists \(parsed) twice") }
            types.append(parsed)
        }
        guard !types.isEmpty else { throw reader.error(key, "the list is empty; name at least one challenge, e.g. http-01") }
        if !types.contains(.dns01), reader.value("http.tls.letsencrypt.dns") != nil {
            throw reader.error("http.tls.letsencrypt.dns", "DNS settings need challenge: dns-01")
        }
        var challenges: [WharfConfiguration.ChallengeSettings] = []
        for type in types {
            switch type {
            case .http01: challenges.append(.http01)
            case .tlsALPN01: challenges.append(.tlsALPN01)
            case .dns01: challenges.append(.dns01(try dnsSettings(reader)))
            }
        }
        return challenges
    }

    /// `http.tls.letsencrypt.dns.*`
    static func dnsSettings(_ reader: TreeReader) throws(ConfigurationError) -> WharfConfiguration.DNSChallengeSettings {
        let base = "http.tls.letsencrypt.dns"
        guard let provider = try reader.string("\(base).provider") else {
            throw reader.error("\(base).provider", "dns-01 needs a provider: rfc2136, webhook or exec")
        }
        var propagation = PropagationSettings()
        if let timeout = try reader.string("\(base).propagationtimeout") { propagation.timeout = try duration(timeout, key: "\(base).propagationtimeout", reader: reader) }
        if let interval = try reader.string("\(base).pollinginterval") { propagation.pollingInterval = try duration(interval, key: "\(base).pollinginterval", reader: reader) }
        if let resolvers = try reader.strings("\(base).resolvers") { propagation.resolvers = resolvers }
        func mode(_ key: String) throws(ConfigurationError) -> DNSHookMode {
            guard let text = try reader.string(key) else { return .default }
            do { return try DNSHookMode(parsing: text) } catch { throw reader.error(key, "\(error)") }
        }
        switch provider {
        case "rfc2136":
            guard let nameserver = try reader.string("\(base).rfc2136.nameserver") else {
                throw reader.error("\(base).rfc2136.nameserver", "give the DNS server that takes the updates, e.g. 10.0.0.53:53")
            }
            var ttl = 60
            if let text = try reader.string("\(base).rfc2136.ttl") {
                guard let value = Int(text), value > 0 else { throw reader.error("\(base).rfc2136.ttl", "must be seconds, e.g. 60") }
                ttl = value
            }
            let settings = RFC2136Settings(
                nameserver: nameserver,
                tsigKey: try reader.string("\(base).rfc2136.tsigkey"),
                tsigAlgorithm: try reader.string("\(base).rfc2136.tsigalgorithm"),
                tsigSecret: try reader.string("\(base).rfc2136.tsigsecret"),
                tsigSecretFile: try reader.string("\(base).rfc2136.tsigsecretfile"),
                zone: try reader.string("\(base).rfc2136.zone"),
                ttl: ttl
            )
            return .init(provider: .rfc2136(settings), propagation: propagation)
        case "webhook":
            guard let url = try reader.string("\(base).webhook.url") else { throw reader.error("\(base).webhook.url", "give the hook's URL") }
            let settings = WebhookSettings(
                url: url,
                username: try reader.string("\(base).webhook.username"),
                password: try reader.string("\(base).webhook.password"),
                mode: try mode("\(base).webhook.mode")
            )
            return .init(provider: .webhook(settings), propagation: propagation)
        case "exec":
            guard let command = try reader.string("\(base).exec.command") else { throw reader.error("\(base).exec.command", "give the hook program") }
            var timeout: Duration = .seconds(60)
            if let text = try reader.string("\(base).exec.timeout") { timeout = try duration(text, key: "\(base).exec.timeout", reader: reader) }
            return .init(provider: .exec(ExecSettings(command: command, mode: try mode("\(base).exec.mode"), timeout: timeout)), propagation: propagation)
        default:
            throw reader.error("\(base).provider", "\"\(provider)\" is not one of rfc2136, webhook, exec")
        }
    }

}

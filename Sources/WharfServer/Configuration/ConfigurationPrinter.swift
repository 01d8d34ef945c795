import DNS
import DNS01
import Upstream
import Foundation
import Logging
import PullThrough
import Registry
import S3

/// Renders the effective configuration as YAML, with secrets masked.
public enum ConfigurationPrinter {
    /// The text `wharf config check` prints.
    public static func render(_ configuration: WharfConfiguration) -> String {
        var lines = ["version: 0.1"]
        lines.append("log:")
        lines.append("  level: \(configuration.log.level.distributionName)")
        lines.append("  formatter: \(configuration.log.format.rawValue)")
        lines.append("storage:")
        if let s3 = configuration.storageS3 {
            lines += s3Lines(s3, peerURL: configuration.storageS3PeerURL)
            lines.append("  redirect:\n    disable: \(!configuration.storageRedirect)")
        } else {
            lines.append("  filesystem:")
            lines.append("    rootdirectory: \(quoted(configuration.storageRoot))")
        }
        if let maxSize = configuration.storageMaxSize { lines.append("  maxsize: \(maxSize)") }
        if let minFree = configuration.storageMinFree { lines.append("  minfree: \(minFree)") }
        lines.append("http:")
        lines.append("  addr: \(quoted("\(configuration.http.host):\(configuration.http.port)"))")
        if let host = configuration.http.externalURL { lines.append("  host: \(quoted(host))") }
        if !configuration.http.http2 { lines.append("  http2:\n    disabled: true") }
        if let debug = configuration.http.debugListener { lines.append("  debug:\n    addr: \(quoted(debug.description))") }
        let limits = configuration.http.limits
        lines.append("  timeouts:")
        lines.append("    header: \(seconds(limits.headerTimeout))")
        lines.append("    idle: \(seconds(limits.idleTimeout))")
        lines.append("    writestall: \(seconds(limits.writeStallTimeout))")
        lines.append("  limits:")
        lines.append("    connections: \(limits.maxConnections)")
        lines.append("    connectionsperclient: \(limits.maxConnectionsPerClient)")
        lines.append("    headerbytes: \(limits.maxHeaderBytes)")
        lines.append("    headercount: \(limits.maxHeaderCount)")
        lines.append("    http2streams: \(limits.http2MaxConcurrentStreams)")
        lines.append("    http2headerlist: \(limits.http2MaxHeaderListSize)")
        lines.append("    http2resets: \(limits.http2MaxResets)")
        lines.append("    http2resetwindow: \(seconds(limits.http2ResetWindow))")
        if let tls = configuration.http.tls {
            switch tls.source {
            case .files(let certificate, let key):
                lines.append("  tls:")
                lines.append("    certificate: \(quoted(certificate))")
                lines.append("    key: \(quoted(key))")
                lines.append("    minimumtls: \(tls.minimumVersion.rawValue)")
                if !tls.clientCAs.isEmpty { lines.append("    clientcas: [\(tls.clientCAs.map(quoted).joined(separator: ", "))]") }
                if let plain = configuration.http.plainListener {
                    lines.append("    letsencrypt:")
                    lines.append("      httpaddr: \(quoted(plain.description))")
                }
            case .acme(let acme):
                lines.append("  tls:")
                lines.append("    minimumtls: \(tls.minimumVersion.rawValue)")
                if !tls.clientCAs.isEmpty { lines.append("    clientcas: [\(tls.clientCAs.map(quoted).joined(separator: ", "))]") }
                lines.append("    letsencrypt:")
                lines.append("      hosts: [\(acme.hosts.map(quoted).joined(separator: ", "))]")
                lines.append("      directoryurl: \(quoted(acme.directoryURL))")
                if let email = acme.email { lines.append("      email: \(quoted(email))") }
                if acme.stateFolderConfigured { lines.append("      cachefile: \(quoted(acme.stateFolder))") }
                lines.append("      # certificate state: \(configuration.certificateStateLocation(acme))")
                lines.append(acme.challenges.count == 1 ? "      challenge: \(acme.challenge.type)" : "      challenge: [\(acme.challenges.map { "\($0.type)" }.joined(separator: ", "))]")
                lines.append("      keytype: \(acme.keyType)")
                if let bundle = acme.caBundle { lines.append("      cabundle: \(quoted(bundle))") }
                if let chain = acme.preferredChain { lines.append("      preferredchain: \(quoted(chain))") }
                if let profile = acme.profile { lines.append("      profile: \(quoted(profile))") }
                if let kid = acme.eabKeyID { lines.append("      eab:\n        kid: \(quoted(kid))\n        hmackey: \"********\"") }
                if let plain = configuration.http.plainListener { lines.append("      httpaddr: \(quoted(plain.description))") }
                for case .dns01(let dns) in acme.challenges {
                    lines.append("      dns:")
                    switch dns.provider {
                    case .rfc2136(let settings):
                        lines.append("        provider: rfc2136")
                        lines.append("        rfc2136:")
                        lines.append("          nameserver: \(quoted(settings.nameserver))")
                        if let key = settings.tsigKey { lines.append("          tsigkey: \(quoted(key))") }
                        if let algorithm = settings.tsigAlgorithm { lines.append("          tsigalgorithm: \(quoted(algorithm))") }
                        if settings.tsigSecret != nil { lines.append("          tsigsecret: \"********\"") }
                        if let file = settings.tsigSecretFile { lines.append("          tsigsecretfile: \(quoted(file))") }
                        if let zone = settings.zone { lines.append("          zone: \(quoted(zone))") }
                        lines.append("          ttl: \(settings.ttl)")
                    case .webhook(let settings):
                        lines.append("        provider: webhook")
                        lines.append("        webhook:")
                        lines.append("          url: \(quoted(settings.url))")
                        if let username = settings.username { lines.append("          username: \(quoted(username))") }
                        if settings.password != nil { lines.append("          password: \"********\"") }
                    case .exec(let settings):
                        lines.append("        provider: exec")
                        lines.append("        exec:")
                        lines.append("          command: \(quoted(settings.command))")
                        lines.append("          timeout: \(seconds(settings.timeout))")
                    }
                    lines.append("        propagationtimeout: \(seconds(dns.propagation.timeout))")
                    lines.append("        pollinginterval: \(seconds(dns.propagation.pollingInterval))")
                }
            case .localAuthority:
                lines.append("  # tls: a certificate from Wharf's local CA in \(configuration.stateFolder)/")
            }
        }
        if configuration.htpasswd != nil || configuration.clientCertificates != nil || !configuration.trustedNetworks.isEmpty {
            lines.append("auth:")
        }
        if let clientCertificates = configuration.clientCertificates {
            lines.append("  clientcert:")
            lines.append("    cas: [\(clientCertificates.cas.map(quoted).joined(separator: ", "))]")
            if let revoked = clientCertificates.revoked { lines.append("    revoked: \(quoted(revoked))") }
        }
        if !configuration.trustedNetworks.isEmpty {
            lines.append("  trustednetworks: [\(configuration.trustedNetworks.map { quoted($0.description) }.joined(separator: ", "))]")
        }
        if let htpasswd = configuration.htpasswd {
            lines.append("  htpasswd:")
            lines.append("    realm: \(quoted(htpasswd.realm))")
            lines.append("    path: \(quoted(htpasswd.path))")
            lines.append("    failurelimit: \(htpasswd.failureLimit)")
            lines.append("    failurewindow: \(seconds(htpasswd.failureWindow))")
        }
        lines.append("proxy:")
        lines.append("  remoteurl: \(quoted(configuration.proxy.remoteURL))")
        if let username = configuration.proxy.username { lines.append("  username: \(quoted(username))") }
        if configuration.proxy.password != nil { lines.append("  password: \"********\"") }
        if let name = configuration.proxy.name { lines.append("  name: \(quoted(name))") }
        lines.append("  tagttl: \(seconds(configuration.proxy.tagTTL))")
        let timeouts = configuration.proxy.timeouts
        lines.append("  timeouts:\n    connect: \(seconds(timeouts.connect))\n    response: \(seconds(timeouts.response))\n    idle: \(seconds(timeouts.idle))")
        if let ttl = configuration.proxy.ttl { lines.append("  ttl: \(seconds(ttl))") }
        lines += repositoryLines(configuration.proxy.repositories, indent: "  ")
        if !configuration.proxy.warm.isEmpty {
            lines.append("  warm: [\(configuration.proxy.warm.map { quoted($0.description) }.joined(separator: ", "))]")
        }
        switch configuration.proxy.rateLimitReserve {
        case .share(let share): lines.append("  ratelimit:\n    reserve: \"\(String(format: "%g", share * 100))%\"")
        case .pulls(let pulls): lines.append("  ratelimit:\n    reserve: \(pulls)")
        }
        if !configuration.proxy.upstreams.isEmpty {
            lines.append("  upstreams:")
            for upstream in configuration.proxy.upstreams {
                lines.append("    - name: \(quoted(upstream.name))")
                lines.append("      remoteurl: \(quoted(upstream.remoteURL))")
                if let username = upstream.username { lines.append("      username: \(quoted(username))") }
                if upstream.password != nil { lines.append("      password: \"********\"") }
                lines += repositoryLines(upstream.repositories, indent: "      ")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `repositories:` with its non-empty lists; nothing for an open policy.
    private static func repositoryLines(_ policy: RepositoryPolicy, indent: String) -> [String] {
        let lists = [("allow", policy.allow), ("deny", policy.deny), ("pinned", policy.pinned)].filter { !$0.1.isEmpty }
        guard !lists.isEmpty else { return [] }
        return ["\(indent)repositories:"] + lists.map { name, patterns in
            "\(indent)  \(name): [\(patterns.map { quoted($0.text) }.joined(separator: ", "))]"
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds)s" : "\(Int64(Double(seconds) * 1000 + Double(attoseconds) / 1e15))ms"
    }

    /// A YAML double-quoted scalar; line breaks (which YAML folds) and unprintable characters are escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "\"": result += "\\" + String(scalar)
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{20}"..."\u{7E}", "\u{A0}"..."\u{2027}", "\u{202A}"..."\u{D7FF}", "\u{E000}"..."\u{FEFE}", "\u{FF00}"..."\u{FFFD}", "\u{10000}"...:
                result.unicodeScalars.append(scalar)
            default: result += scalar.value <= 0xFF ? "\\x" + hex(scalar.value, 2) : "\\u" + hex(scalar.value, 4)
            }
        }
        return result + "\""
    }

    private static func hex(_ value: UInt32, _ digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension Logger.Level {
    var distributionName: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info, .notice: "info"
        case .warning: "warn"
        case .error, .critical: "error"
        }
    }
}

extension ConfigurationPrinter {
    /// `storage.s3`, the secret key and session token masked.
    static func s3Lines(_ s3: S3Settings, peerURL: String?) -> [String] {
        var lines = ["  s3:"]
        lines.append("    bucket: \(quoted(s3.bucket))")
        lines.append("    region: \(quoted(s3.region))")
        if let endpoint = s3.endpoint { lines.append("    regionendpoint: \(quoted(endpoint))") }
        if !s3.rootDirectory.isEmpty { lines.append("    rootdirectory: \(quoted(s3.rootDirectory))") }
        lines.append("    accesskey: \(quoted(s3.credentials.accessKey))")
        lines.append("    secretkey: \"********\"")
        if s3.credentials.sessionToken != nil { lines.append("    sessiontoken: \"********\"") }
        lines.append("    forcepathstyle: \(s3.forcePathStyle)")
        lines.append("    secure: \(s3.secure)")
        lines.append("    skipverify: \(s3.skipVerify)")
        lines.append("    chunksize: \(s3.chunkSize)")
        if let peer = peerURL { lines.append("    peerurl: \(quoted(peer))") }
        return lines
    }
}

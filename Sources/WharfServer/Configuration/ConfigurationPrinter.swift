import DNS
import DNS01
import Upstream
import Foundation
import Logging

/// Renders the effective configuration as YAML, with secrets masked.
public enum ConfigurationPrinter {
    /// The text `wharf config check` prints.
    public static func render(_ configuration: WharfConfiguration) -> String {
        var lines = ["version: 0.1"]
        lines.append("log:")
        lines.append("  level: \(configuration.log.level.distributionName)")
        lines.append("  formatter: \(configuration.log.format.rawValue)")
        lines.append("storage:")
        lines.append("  filesystem:")
        lines.append("    rootdirectory: \(quoted(configuration.storageRoot))")
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
                lines.append("      cachefile: \(quoted(acme.stateFolder))")
                lines.append("      challenge: \(acme.challenge.type)")
                lines.append("      keytype: \(acme.keyType)")
                if let bundle = acme.caBundle { lines.append("      cabundle: \(quoted(bundle))") }
                if let chain = acme.preferredChain { lines.append("      preferredchain: \(quoted(chain))") }
                if let profile = acme.profile { lines.append("      profile: \(quoted(profile))") }
                if let kid = acme.eabKeyID { lines.append("      eab:\n        kid: \(quoted(kid))\n        hmackey: \"********\"") }
                if let plain = configuration.http.plainListener { lines.append("      httpaddr: \(quoted(plain.description))") }
                if case .dns01(let dns) = acme.challenge {
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
        if let htpasswd = configuration.htpasswd {
            lines.append("auth:")
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
        if !configuration.proxy.upstreams.isEmpty {
            lines.append("  upstreams:")
            for upstream in configuration.proxy.upstreams {
                lines.append("    - name: \(quoted(upstream.name))")
                lines.append("      remoteurl: \(quoted(upstream.remoteURL))")
                if let username = upstream.username { lines.append("      username: \(quoted(username))") }
                if upstream.password != nil { lines.append("      password: \"********\"") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds)s" : "\(Int64(Double(seconds) * 1000 + Double(attoseconds) / 1e15))ms"
    }

    /// A YAML double-quoted scalar; line breaks (which YAML folds) and unprintable characters are escaped.
    private static func quoted(_ text: String) -> String {
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

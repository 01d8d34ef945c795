import DNS
import Foundation
import Logging
import Yams

/// Reads distribution's config.yml (version 0.1) into a ``WharfConfiguration``.
///
/// Keys are checked against ``ConfigurationKeys``: distribution's keys that Wharf ignores
/// become warnings, unknown keys and bad values are errors naming the file and the key path.
/// `REGISTRY_*` environment variables override the file, as distribution spells them
/// (`REGISTRY_PROXY_REMOTEURL` sets `proxy.remoteurl`).
public struct ConfigurationLoader: Sendable {
    /// The result: the configuration and what the user should be told.
    public struct Loaded: Sendable {
        public var configuration: WharfConfiguration
        public var warnings: [String]
    }

    public init() {}

    /// Loads a file (or, with `path == nil`, only defaults and the environment).
    ///
    /// With no file, Wharf serves TLS with a certificate from its local CA; a file without
    /// `http.tls` serves plain HTTP, as distribution does.
    public func load(path: String?, environment: [String: String]) throws(ConfigurationError) -> Loaded {
        guard let path else {
            var loaded = try load(yaml: "", source: "defaults", environment: environment)
            if loaded.configuration.http.tls == nil { loaded.configuration.http.tls = .init(source: .localAuthority) }
            return loaded
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(source: path, key: "", "cannot read the file: \(error.localizedDescription)")
        }
        return try load(yaml: text, source: path, environment: environment)
    }

    /// Loads YAML text; `source` names it in messages.
    public func load(yaml: String, source: String, environment: [String: String]) throws(ConfigurationError) -> Loaded {
        var tree: [String: Any]
        do {
            let parsed = try Yams.load(yaml: yaml)
            switch parsed {
            case nil: tree = [:]
            case let map as [String: Any]: tree = map
            default: throw ConfigurationError(source: source, key: "", "the top level must be a mapping of keys")
            }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(source: source, key: "", "not valid YAML: \(error)")
        }
        try applyEnvironment(environment, to: &tree)
        var warnings: [String] = []
        try check(tree, rules: ConfigurationKeys.root, path: "", source: source, warnings: &warnings)
        let reader = TreeReader(tree: tree, source: source)
        return Loaded(configuration: try build(reader), warnings: warnings)
    }

    // MARK: Environment

    private func applyEnvironment(_ environment: [String: String], to tree: inout [String: Any]) throws(ConfigurationError) {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("REGISTRY_") {
            let path = name.dropFirst("REGISTRY_".count).lowercased().split(separator: "_").map(String.init)
            guard !path.isEmpty else { continue }
            let parsed: Any = (try? Yams.load(yaml: value)).flatMap { $0 } ?? value
            // Scalars keep their text so that `5000` in REGISTRY_HTTP_ADDR stays a string where a string is expected.
            let scalar: Any = parsed is [String: Any] || parsed is [Any] ? parsed : value
            try set(scalar, at: path[...], in: &tree, variable: name)
        }
    }

    private func set(_ value: Any, at path: ArraySlice<String>, in tree: inout [String: Any], variable: String) throws(ConfigurationError) {
        guard let key = path.first else { return }
        if path.count == 1 {
            tree[key] = value
            return
        }
        var child: [String: Any]
        switch tree[key] {
        case nil: child = [:]
        case let map as [String: Any]: child = map
        default:
            throw ConfigurationError(source: "environment", key: variable, "\(key) is a value in the file, not a section")
        }
        try set(value, at: path.dropFirst(), in: &child, variable: variable)
        tree[key] = child
    }

    // MARK: Key check

    private func check(
        _ tree: [String: Any],
        rules: [String: KeyRule],
        path: String,
        source: String,
        warnings: inout [String]
    ) throws(ConfigurationError) {
        for key in tree.keys.sorted() {
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard let rule = rules[key] else {
                throw ConfigurationError(source: source, key: keyPath, "unknown key (neither distribution's nor Wharf's)")
            }
            switch rule {
            case .implemented:
                continue
            case .ignored, .ignoredSection:
                warnings.append("\(source): \(keyPath) is distribution's key; Wharf does not implement it and ignores it")
            case .unsupported(let why):
                throw ConfigurationError(source: source, key: keyPath, why)
            case .section(let inner):
                guard let child = tree[key] as? [String: Any] else {
                    if tree[key] == nil || tree[key] is NSNull { continue }
                    throw ConfigurationError(source: source, key: keyPath, "must be a section of keys")
                }
                try check(child, rules: inner, path: keyPath, source: source, warnings: &warnings)
            }
        }
    }

    // MARK: Building

    private func build(_ reader: TreeReader) throws(ConfigurationError) -> WharfConfiguration {
        var configuration = WharfConfiguration()
        if let version = try reader.string("version"), version != "0.1" {
            throw reader.error("version", "only version 0.1 (distribution's format) is understood, not \(version)")
        }
        if let level = try reader.string("log.level") {
            guard let parsed = Self.logLevel(level) else {
                throw reader.error("log.level", "\"\(level)\" is not one of error, warn, info, debug")
            }
            configuration.log.level = parsed
        }
        if let formatter = try reader.string("log.formatter") {
            switch formatter {
            case "text": configuration.log.format = .text
            case "json": configuration.log.format = .json
            case "logstash": configuration.log.format = .json
            default: throw reader.error("log.formatter", "\"\(formatter)\" is not one of text, json")
            }
        }
        if let root = try reader.string("storage.filesystem.rootdirectory") {
            guard !root.isEmpty else { throw reader.error("storage.filesystem.rootdirectory", "must not be empty") }
            configuration.storageRoot = root
        }
        if let net = try reader.string("http.net"), net != "tcp" {
            throw reader.error("http.net", "only tcp is supported, not \(net)")
        }
        if let address = try reader.string("http.addr") {
            let (host, port) = try Self.parseAddress(address, key: "http.addr", reader: reader)
            configuration.http.host = host
            configuration.http.port = port
        }
        if let host = try reader.string("http.host") {
            guard let url = URL(string: host), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw reader.error("http.host", "must be an absolute URL such as https://mirror.example.com")
            }
            configuration.http.externalURL = host
        }
        configuration.http.tls = try Self.tlsSettings(reader)
        configuration.htpasswd = try Self.htpasswdSettings(reader)
        if let disabled = try reader.bool("http.http2.disabled") { configuration.http.http2 = !disabled }
        if let debug = try reader.string("http.debug.addr") {
            let (host, port) = try Self.parseAddress(debug, key: "http.debug.addr", reader: reader)
            configuration.http.debugListener = .init(host: host, port: port)
        }
        // HTTP-01 needs the plain listener; by default on :80, where validators connect.
        let needsPlainListener = if case .acme(let acme) = configuration.http.tls?.source, acme.challenge == "http-01" { true } else { false }
        if let plain = try reader.string("http.tls.letsencrypt.httpaddr") ?? (needsPlainListener ? ":80" : nil) {
            let (host, port) = try Self.parseAddress(plain, key: "http.tls.letsencrypt.httpaddr", reader: reader)
            configuration.http.plainListener = .init(host: host, port: port)
            guard configuration.http.tls != nil else {
                throw reader.error("http.tls.letsencrypt.httpaddr", "the plain listener redirects to TLS; give http.tls.certificate and http.tls.key")
            }
        }
        if let remote = try reader.string("proxy.remoteurl") {
            configuration.proxy.remoteURL = remote
        }
        if let name = try reader.string("proxy.name") { configuration.proxy.name = name.lowercased() }
        if let ttl = try reader.string("proxy.tagttl") { configuration.proxy.tagTTL = try Self.duration(ttl, key: "proxy.tagttl", reader: reader) }
        if let ttl = try reader.string("proxy.ttl") { configuration.proxy.ttl = try Self.duration(ttl, key: "proxy.ttl", reader: reader) }
        if let size = try reader.string("storage.maxsize") { configuration.storageMaxSize = try Self.byteSize(size, key: "storage.maxsize", reader: reader) }
        configuration.proxy.upstreams = try Self.upstreams(reader)
        configuration.proxy.username = try reader.string("proxy.username")
        configuration.proxy.password = try reader.string("proxy.password")
        if (configuration.proxy.username == nil) != (configuration.proxy.password == nil) {
            throw reader.error("proxy.username", "proxy.username and proxy.password go together")
        }
        return configuration
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

    /// `proxy.upstreams`: a list of `{name, remoteurl, username, password}`.
    static func upstreams(_ reader: TreeReader) throws(ConfigurationError) -> [WharfConfiguration.UpstreamSettings] {
        guard let value = reader.value("proxy.upstreams") else { return [] }
        guard let list = value as? [Any] else { throw reader.error("proxy.upstreams", "must be a list of {name, remoteurl}") }
        var result: [WharfConfiguration.UpstreamSettings] = []
        var names: Set<String> = []
        for (index, item) in list.enumerated() {
            let key = "proxy.upstreams[\(index)]"
            guard let entry = item as? [String: Any] else { throw reader.error(key, "must be a section with name and remoteurl") }
            for field in entry.keys where !["name", "remoteurl", "username", "password"].contains(field) {
                throw reader.error("\(key).\(field)", "unknown key (name, remoteurl, username, password are known)")
            }
            let entryReader = TreeReader(tree: entry, source: reader.source)
            guard let name = try entryReader.string("name")?.lowercased(), !name.isEmpty else {
                throw reader.error("\(key).name", "every upstream needs the registry host clients know it by, e.g. ghcr.io")
            }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" }) else {
                throw reader.error("\(key).name", "\"\(name)\" is not a registry host name")
            }
            guard let url = try entryReader.string("remoteurl") else { throw reader.error("\(key).remoteurl", "missing") }
            guard names.insert(name).inserted else { throw reader.error("\(key).name", "\(name) is listed twice") }
            let username = try entryReader.string("username")
            let password = try entryReader.string("password")
            if (username == nil) != (password == nil) { throw reader.error("\(key).username", "username and password go together") }
            result.append(.init(name: name, remoteURL: url, username: username, password: password))
        }
        return result
    }

    /// Go-style durations as distribution writes them: `168h`, `1m`, `90s`, `1h30m`, `500ms`.
    static func duration(_ text: String, key: String, reader: TreeReader) throws(ConfigurationError) -> Duration {
        var total = 0.0
        var number = ""
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { throw reader.error(key, "is empty") }
        if rest == "0" { return .zero }
        while let character = rest.first {
            if character.isNumber || character == "." {
                number.append(character)
                rest.removeFirst()
                continue
            }
            let unit = String(rest.prefix(while: { $0.isLetter }))
            rest.removeFirst(unit.count)
            let factor: Double? = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400][unit]
            guard let factor, let value = Double(number) else {
                throw reader.error(key, "\"\(text)\" is not a duration such as 90s, 10m or 168h")
            }
            total += value * factor
            number = ""
        }
        guard number.isEmpty else { throw reader.error(key, "\"\(text)\" needs a unit: s, m or h") }
        return .milliseconds(Int64(total * 1000))
    }

    /// Sizes: `50GiB`, `500MB`, `1T`, or a number of bytes.
    static func byteSize(_ text: String, key: String, reader: TreeReader) throws(ConfigurationError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix(while: { $0.isNumber || $0 == "." })
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let factors: [String: Double] = [
            "": 1, "b": 1, "k": 1e3, "kb": 1e3, "kib": 1024, "m": 1e6, "mb": 1e6, "mib": 1_048_576,
            "g": 1e9, "gb": 1e9, "gib": 1_073_741_824, "t": 1e12, "tb": 1e12, "tib": 1_099_511_627_776,
        ]
        guard let value = Double(digits), let factor = factors[unit], value > 0 else {
            throw reader.error(key, "\"\(text)\" is not a size such as 50GiB or 500MB")
        }
        return Int64(value * factor)
    }

    static func logLevel(_ text: String) -> Logger.Level? {
        switch text.lowercased() {
        case "panic", "fatal", "error": .error
        case "warn", "warning": .warning
        case "info": .info
        case "debug": .debug
        case "trace": .trace
        default: nil
        }
    }

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

    /// `http.tls.letsencrypt.*`; `nil` when no hosts are given (the section may hold only httpaddr).
    static func acmeSettings(_ reader: TreeReader) throws(ConfigurationError) -> WharfConfiguration.ACMESettings? {
        guard let hosts = try reader.strings("http.tls.letsencrypt.hosts") else {
            for key in ["email", "directoryurl", "cachefile", "challenge", "keytype", "cabundle", "preferredchain", "eab"]
            where reader.value("http.tls.letsencrypt.\(key)") != nil {
                throw reader.error("http.tls.letsencrypt.hosts", "ACME needs the names to order a certificate for")
            }
            return nil
        }
        guard !hosts.isEmpty, hosts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") && !$0.contains("/") }) else {
            throw reader.error("http.tls.letsencrypt.hosts", "must list host names such as mirror.example.com")
        }
        var settings = WharfConfiguration.ACMESettings(hosts: hosts.map { $0.lowercased() })
        if let url = try reader.string("http.tls.letsencrypt.directoryurl") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                throw reader.error("http.tls.letsencrypt.directoryurl", "must be the CA's directory URL, e.g. https://acme-v02.api.letsencrypt.org/directory")
            }
            settings.directoryURL = url
        }
        settings.email = try reader.string("http.tls.letsencrypt.email")
        if let folder = try reader.string("http.tls.letsencrypt.cachefile") { settings.stateFolder = folder }
        if let challenge = try reader.string("http.tls.letsencrypt.challenge") {
            guard ["http-01", "dns-01"].contains(challenge) else {
                throw reader.error("http.tls.letsencrypt.challenge", "\"\(challenge)\" is not supported; use http-01 or dns-01")
            }
            settings.challenge = challenge
        }
        if settings.challenge == "dns-01" {
            settings.dns = try dnsSettings(reader)
        } else if reader.value("http.tls.letsencrypt.dns") != nil {
            throw reader.error("http.tls.letsencrypt.dns", "DNS settings need challenge: dns-01")
        }
        settings.caBundle = try reader.string("http.tls.letsencrypt.cabundle")
        if let keyType = try reader.string("http.tls.letsencrypt.keytype") {
            guard ["ecdsa-p256", "ecdsa-p384", "rsa-2048", "rsa-4096"].contains(keyType) else {
                throw reader.error("http.tls.letsencrypt.keytype", "\"\(keyType)\" is not one of ecdsa-p256, ecdsa-p384, rsa-2048, rsa-4096")
            }
            settings.keyType = keyType
        }
        settings.eabKeyID = try reader.string("http.tls.letsencrypt.eab.kid")
        settings.eabHMACKey = try reader.string("http.tls.letsencrypt.eab.hmackey")
        if (settings.eabKeyID == nil) != (settings.eabHMACKey == nil) {
            throw reader.error("http.tls.letsencrypt.eab", "kid and hmackey go together")
        }
        settings.preferredChain = try reader.string("http.tls.letsencrypt.preferredchain")
        return settings
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

    /// `host:port`, `:port` or `[v6]:port`.
    static func parseAddress(_ text: String, key: String, reader: TreeReader) throws(ConfigurationError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":") else {
            throw reader.error(key, "\"\(text)\" must be host:port or :port")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw reader.error(key, "\"\(text)\" has no valid port")
        }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}

/// Typed access to the parsed YAML tree by dotted path.
struct TreeReader {
    let tree: [String: Any]
    let source: String

    func value(_ path: String) -> Any? {
        var node: Any? = tree
        for key in path.split(separator: ".") {
            node = (node as? [String: Any])?[String(key)]
        }
        if node is NSNull { return nil }
        return node
    }

    func string(_ path: String) throws(ConfigurationError) -> String? {
        switch value(path) {
        case nil: return nil
        case let text as String: return text
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        case let flag as Bool: return String(flag)
        default: throw error(path, "must be a single value, not a list or section")
        }
    }

    func bool(_ path: String) throws(ConfigurationError) -> Bool? {
        switch value(path) {
        case nil: return nil
        case let flag as Bool: return flag
        case let text as String where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: throw error(path, "must be true or false")
        }
    }

    /// A list of strings (a single string is taken as a list of one).
    func strings(_ path: String) throws(ConfigurationError) -> [String]? {
        switch value(path) {
        case nil: return nil
        case let text as String: return [text]
        case let list as [Any]:
            var result: [String] = []
            for item in list {
                guard let text = item as? String else { throw error(path, "must be a list of file paths") }
                result.append(text)
            }
            return result
        default: throw error(path, "must be a list of file paths")
        }
    }

    func error(_ path: String, _ message: String) -> ConfigurationError {
        ConfigurationError(source: source, key: path, message)
    }
}

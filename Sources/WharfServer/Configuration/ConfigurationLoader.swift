import ACME
import DNS
import Foundation
import Logging
import Yams

/// Reads distribution's config.yml (version 0.1) into a ``WharfConfiguration``.
///
/// Keys are checked against ``ConfigurationKeys``: distribution's keys that Wharf ignores
/// become warnings, unknown keys and bad values are errors naming the file, the line and the key
/// path (``ConfigurationError``).
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
        var origins = ConfigurationOrigins(source: source)
        do {
            // Composed first, for the positions, then turned into plain values as `Yams.load` does.
            let node = try Yams.compose(yaml: yaml)
            if let key = node.flatMap(Self.complexKey) {
                throw ConfigurationError(source: source, key: "", line: key.mark?.line, "a key must be a single value, not a list or section")
            }
            switch node?.any {
            case nil: tree = [:]
            case let map as [String: Any]: tree = map
            default: throw ConfigurationError(source: source, key: "", line: node?.mark?.line, "the top level must be a mapping of keys")
            }
            if let node { origins.record(node) }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(source: source, key: "", "not valid YAML: \(error)")
        }
        try applyEnvironment(environment, to: &tree, origins: &origins)
        var warnings: [String] = []
        try check(tree, rules: ConfigurationKeys.root, path: "", origins: origins, warnings: &warnings)
        var configuration = try build(TreeReader(tree: tree, origins: origins))
        try Self.storageSettings(TreeReader(tree: tree, origins: origins), environment: environment, into: &configuration)
        configuration.origins = origins
        return Loaded(configuration: configuration, warnings: warnings)
    }

    // MARK: Environment

    private func applyEnvironment(
        _ environment: [String: String],
        to tree: inout [String: Any],
        origins: inout ConfigurationOrigins
    ) throws(ConfigurationError) {
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("REGISTRY_") {
            let path = name.dropFirst("REGISTRY_".count).lowercased().split(separator: "_").map(String.init)
            guard !path.isEmpty else { continue }
            let node = (try? Yams.compose(yaml: value)).flatMap { $0 }
            let parsed: Any = node.flatMap { Self.complexKey(in: $0) == nil ? $0.any : nil } ?? value
            // Scalars keep their text so that `5000` in REGISTRY_HTTP_ADDR stays a string where a string is expected.
            let scalar: Any = parsed is [String: Any] || parsed is [Any] ? parsed : value
            let setting = path.joined(separator: ".")
            try set(scalar, at: path[...], in: &tree, variable: name, setting: setting)
            origins.recordVariable(name, at: setting)
        }
    }

    private func set(_ value: Any, at path: ArraySlice<String>, in tree: inout [String: Any], variable: String, setting: String) throws(ConfigurationError) {
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
            throw ConfigurationError(source: "environment (\(variable))", key: setting, "\(key) is a value in the file, not a section")
        }
        try set(value, at: path.dropFirst(), in: &child, variable: variable, setting: setting)
        tree[key] = child
    }

    // MARK: Key check

    private func check(
        _ tree: [String: Any],
        rules: [String: KeyRule],
        path: String,
        origins: ConfigurationOrigins,
        warnings: inout [String]
    ) throws(ConfigurationError) {
        for key in tree.keys.sorted() {
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard let rule = rules[key] else {
                throw origins.error(keyPath, "unknown key (neither distribution's nor Wharf's)")
            }
            switch rule {
            case .implemented:
                continue
            case .ignored, .ignoredSection:
                warnings.append("\(origins.place(of: keyPath)): \(keyPath) is distribution's key; Wharf does not implement it and ignores it")
            case .unsupported(let why):
                throw origins.error(keyPath, why)
            case .section(let inner):
                guard let child = tree[key] as? [String: Any] else {
                    if tree[key] == nil || tree[key] is NSNull { continue }
                    throw origins.error(keyPath, "must be a section of keys")
                }
                try check(child, rules: inner, path: keyPath, origins: origins, warnings: &warnings)
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
        configuration.clientCertificates = try Self.clientCertificateSettings(reader)
        configuration.trustedNetworks = try Self.trustedNetworks(reader)
        if configuration.clientCertificates != nil {
            guard configuration.http.tls != nil else { throw reader.error("auth.clientcert", "client certificates need TLS: give http.tls") }
            guard configuration.http.tls?.clientCAs.isEmpty ?? true else {
                throw reader.error("auth.clientcert", "give http.tls.clientcas (every client needs a certificate) or auth.clientcert (a certificate or a password), not both")
            }
        }
        if let disabled = try reader.bool("http.http2.disabled") { configuration.http.http2 = !disabled }
        if let debug = try reader.string("http.debug.addr") {
            let (host, port) = try Self.parseAddress(debug, key: "http.debug.addr", reader: reader)
            configuration.http.debugListener = .init(host: host, port: port)
        }
        // HTTP-01 needs the plain listener; by default on :80, where validators connect.
        let needsPlainListener = if case .acme(let acme) = configuration.http.tls?.source, acme.challenges.contains(.http01) { true } else { false }
        if let plain = try reader.string("http.tls.letsencrypt.httpaddr") ?? (needsPlainListener ? ":80" : nil) {
            let (host, port) = try Self.parseAddress(plain, key: "http.tls.letsencrypt.httpaddr", reader: reader)
            configuration.http.plainListener = .init(host: host, port: port)
            guard configuration.http.tls != nil else {
                throw reader.error("http.tls.letsencrypt.httpaddr", "the plain listener redirects to TLS; give http.tls.certificate and http.tls.key")
            }
        }
        configuration.http.limits = try Self.listenerLimits(reader)
        if let remote = try reader.string("proxy.remoteurl") {
            try Self.checkRemoteURL(remote, key: "proxy.remoteurl", reader: reader)
            configuration.proxy.remoteURL = remote
        }
        if let name = try reader.string("proxy.name") { configuration.proxy.name = name.lowercased() }
        if let ttl = try reader.string("proxy.tagttl") { configuration.proxy.tagTTL = try Self.duration(ttl, key: "proxy.tagttl", reader: reader) }
        if let ttl = try reader.string("proxy.ttl") { configuration.proxy.ttl = try Self.duration(ttl, key: "proxy.ttl", reader: reader) }
        if let size = try reader.string("storage.maxsize") { configuration.storageMaxSize = try Self.byteSize(size, key: "storage.maxsize", reader: reader) }
        if let size = try reader.string("storage.minfree") { configuration.storageMinFree = try Self.byteSize(size, key: "storage.minfree", reader: reader) }
        configuration.proxy.upstreams = try Self.upstreams(reader)
        configuration.proxy.repositories = try Self.repositoryPolicy(reader, key: "proxy.repositories", name: "proxy.repositories")
        configuration.proxy.warm = try Self.warmImages(reader)
        if let reserve = try reader.string("proxy.ratelimit.reserve") {
            configuration.proxy.rateLimitReserve = try Self.budgetReserve(reserve, key: "proxy.ratelimit.reserve", reader: reader)
        }
        configuration.proxy.timeouts = try Self.upstreamTimeouts(reader)
        configuration.proxy.username = try reader.string("proxy.username")
        configuration.proxy.password = try reader.string("proxy.password")
        if (configuration.proxy.username == nil) != (configuration.proxy.password == nil) {
            throw reader.error("proxy.username", "proxy.username and proxy.password go together")
        }
        return configuration
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

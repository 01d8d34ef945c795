import DNS

/// The `rfc2136` DNS-01 provider's settings: where to send signed dynamic updates.
///
/// The TSIG key comes either from ``tsigKey`` + ``tsigSecret`` (+ ``tsigAlgorithm``), or from
/// ``tsigSecretFile`` (a BIND key file; ``tsigKey`` then picks a key when it holds several).
/// Without any of them, updates go unsigned. ``description`` never shows the secret.
///
/// ```swift
/// let settings = RFC2136Settings(nameserver: "192.0.2.53:53", tsigSecretFile: "/etc/wharf/tsig.key")
/// ```
public struct RFC2136Settings: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// `host:port` of the zone's primary server (`nameserver`); the port defaults to 53.
    public var nameserver: String
    /// The TSIG key's name (`tsigkey`).
    public var tsigKey: String?
    /// The TSIG algorithm (`tsigalgorithm`): nil means hmac-sha256, or the key file's.
    public var tsigAlgorithm: String?
    /// The base64 TSIG secret (`tsigsecret`).
    public var tsigSecret: String?
    /// A BIND key file, as `tsig-keygen` writes it (`tsigsecretfile`).
    public var tsigSecretFile: String?
    /// The zone to update (`zone`); nil finds it with SOA queries (and follows a CNAME on the
    /// challenge name, for delegated challenge zones).
    public var zone: String?
    /// The TTL of the TXT records added, in seconds (`ttl`).
    public var ttl: Int

    /// Creates settings; only `nameserver` is required.
    public init(
        nameserver: String,
        tsigKey: String? = nil,
        tsigAlgorithm: String? = nil,
        tsigSecret: String? = nil,
        tsigSecretFile: String? = nil,
        zone: String? = nil,
        ttl: Int = 60
    ) {
        self.nameserver = nameserver
        self.tsigKey = tsigKey
        self.tsigAlgorithm = tsigAlgorithm
        self.tsigSecret = tsigSecret
        self.tsigSecretFile = tsigSecretFile
        self.zone = zone
        self.ttl = ttl
    }

    /// The settings with the secret shown as `<redacted>`.
    public var description: String {
        var parts = ["nameserver: \(nameserver)"]
        if let tsigKey { parts.append("tsigkey: \(tsigKey)") }
        if let tsigAlgorithm { parts.append("tsigalgorithm: \(tsigAlgorithm)") }
        if tsigSecret != nil { parts.append("tsigsecret: <redacted>") }
        if let tsigSecretFile { parts.append("tsigsecretfile: \(tsigSecretFile)") }
        if let zone { parts.append("zone: \(zone)") }
        parts.append("ttl: \(ttl)")
        return "rfc2136(\(parts.joined(separator: ", ")))"
    }

    /// A mirror without the secret, so that `dump` shows none either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "nameserver": nameserver, "tsigKey": tsigKey as Any, "tsigAlgorithm": tsigAlgorithm as Any,
                "tsigSecret": tsigSecret == nil ? "nil" : "<redacted>", "tsigSecretFile": tsigSecretFile as Any,
                "zone": zone as Any, "ttl": ttl,
            ],
            displayStyle: .struct
        )
    }

    /// The TSIG key these settings describe, nil for unsigned updates.
    func key() throws -> TSIGKey? {
        let algorithm = try tsigAlgorithm.map { try TSIGAlgorithm($0) }
        if let tsigSecretFile {
            guard tsigSecret == nil else {
                throw DNSError.invalidSetting("tsigsecret", "set either `tsigsecret` or `tsigsecretfile`, not both")
            }
            let key = try TSIGKey.load(file: tsigSecretFile, keyName: tsigKey)
            if let algorithm, algorithm != key.algorithm {
                throw DNSError.invalidSetting(
                    "tsigalgorithm",
                    "it says \(algorithm) but the key in \(tsigSecretFile) is \(key.algorithm); remove `tsigalgorithm` or make them agree"
                )
            }
            return key
        }
        if let tsigSecret {
            guard let tsigKey, !tsigKey.isEmpty else {
                throw DNSError.invalidSetting("tsigkey", "`tsigsecret` is set, so `tsigkey` must name the key (e.g. acme-key)")
            }
            return try TSIGKey(name: tsigKey, algorithm: algorithm ?? .hmacSHA256, secret: tsigSecret)
        }
        if let tsigKey {
            throw DNSError.invalidSetting(
                "tsigsecret",
                "`tsigkey` is \(tsigKey) but neither `tsigsecret` nor `tsigsecretfile` is set"
            )
        }
        return nil
    }
}

/// Which keys of distribution's config.yml Wharf knows, and what it does with each.
enum KeyRule: Sendable {
    /// Read by Wharf.
    case implemented
    /// distribution's key that Wharf ignores, with a warning.
    case ignored
    /// distribution's key whose absence of support would make Wharf less safe or lose data:
    /// refusing to start is better than pretending.
    case unsupported(String)
    /// A section; keys inside are checked against the table.
    case section([String: KeyRule])
    /// A section whose contents are all ignored (free-form in distribution).
    case ignoredSection
}

enum ConfigurationKeys {

    static let root: [String: KeyRule] = [
        "version": .implemented,
        "loglevel": .ignored,
        "log": .section([
            "level": .implemented,
            "formatter": .implemented,
            "fields": .ignoredSection,
            "accesslog": .ignoredSection,
            "hooks": .ignoredSection,
            "reportcaller": .ignored,
        ]),
        "storage": .section([
            "filesystem": .section(["rootdirectory": .implemented, "maxthreads": .ignored]),
            "maxsize": .implemented,
            "minfree": .implemented,
            "delete": .ignoredSection,
            "redirect": .section(["disable": .implemented]),
            "cache": .ignoredSection,
            "maintenance": .ignoredSection,
            "tag": .ignoredSection,
            "inmemory": .unsupported("the in-memory driver is not available; use storage.filesystem"),
            "s3": .section([
                "accesskey": .implemented, "secretkey": .implemented, "region": .implemented, "regionendpoint": .implemented,
                "bucket": .implemented, "rootdirectory": .implemented, "forcepathstyle": .implemented, "secure": .implemented,
                "skipverify": .implemented, "chunksize": .implemented,
                "v4auth": .ignored, "encrypt": .unsupported("server-side encryption settings are not supported; configure the bucket's default encryption instead"),
                "keyid": .unsupported("server-side encryption settings are not supported; configure the bucket's default encryption instead"),
                "storageclass": .ignored, "objectacl": .ignored, "loglevel": .ignored, "accelerate": .ignored, "usedualstack": .ignored,
                "multipartcopychunksize": .ignored, "multipartcopymaxconcurrency": .ignored, "multipartcopythresholdsize": .ignored,
                "sessiontoken": .implemented, "peerurl": .implemented,
            ]),
            "azure": .unsupported("the azure driver is not available; use storage.filesystem"),
            "gcs": .unsupported("the gcs driver is not available; use storage.filesystem"),
            "swift": .unsupported("the swift driver is not available; use storage.filesystem"),
            "oss": .unsupported("the oss driver is not available; use storage.filesystem"),
        ]),
        "auth": .section([
            "htpasswd": .section(["realm": .implemented, "path": .implemented, "failurelimit": .implemented, "failurewindow": .implemented]),
            "clientcert": .section(["cas": .implemented, "revoked": .implemented]),
            "trustednetworks": .implemented,
            "token": .unsupported("token authentication is not supported; use auth.htpasswd"),
            "silly": .unsupported("silly authentication is not supported; use auth.htpasswd"),
        ]),
        "http": .section([
            "addr": .implemented,
            "net": .implemented,
            "host": .implemented,
            "prefix": .unsupported("a path prefix is not supported; serve Wharf at the root of its host"),
            "secret": .ignored,
            "relativeurls": .ignored,
            "draintimeout": .ignored,
            "headers": .ignoredSection,
            "debug": .section(["addr": .implemented, "prometheus": .ignoredSection]),
            "http2": .section(["disabled": .implemented]),
            "h2c": .ignoredSection,
            "timeouts": .section(["header": .implemented, "idle": .implemented, "writestall": .implemented]),
            "limits": .section([
                "connections": .implemented, "connectionsperclient": .implemented,
                "headerbytes": .implemented, "headercount": .implemented,
                "http2streams": .implemented, "http2headerlist": .implemented, "http2resets": .implemented, "http2resetwindow": .implemented,
            ]),
            "tls": .section([
                "certificate": .implemented,
                "key": .implemented,
                "clientcas": .implemented,
                "minimumtls": .implemented,
                "ciphersuites": .ignored,
                "letsencrypt": .section([
                    "httpaddr": .implemented,
                    "cachefile": .implemented,
                    "email": .implemented,
                    "hosts": .implemented,
                    "directoryurl": .implemented,
                    "challenge": .implemented,
                    "cabundle": .implemented,
                    "keytype": .implemented,
                    "eab": .section(["kid": .implemented, "hmackey": .implemented]),
                    "preferredchain": .implemented,
                    "profile": .implemented,
                    "dns": .section([
                        "provider": .implemented,
                        "propagationtimeout": .implemented,
                        "pollinginterval": .implemented,
                        "resolvers": .implemented,
                        "rfc2136": .section([
                            "nameserver": .implemented, "tsigkey": .implemented, "tsigalgorithm": .implemented,
                            "tsigsecret": .implemented, "tsigsecretfile": .implemented, "zone": .implemented, "ttl": .implemented,
                        ]),
                        "webhook": .section(["url": .implemented, "username": .implemented, "password": .implemented, "mode": .implemented]),
                        "exec": .section(["command": .implemented, "mode": .implemented, "timeout": .implemented]),
                    ]),
                ]),
            ]),
        ]),
        "proxy": .section([
            "remoteurl": .implemented,
            "username": .implemented,
            "password": .implemented,
            "ttl": .implemented,
            "tagttl": .implemented,
            "name": .implemented,
            "upstreams": .implemented,
            "repositories": .section(["allow": .implemented, "deny": .implemented, "pinned": .implemented]),
            "ratelimit": .section(["reserve": .implemented]),
            "warm": .implemented,
            "timeouts": .section(["connect": .implemented, "response": .implemented, "idle": .implemented]),
        ]),
        "notifications": .ignoredSection,
        "redis": .ignoredSection,
        "health": .ignoredSection,
        "middleware": .ignoredSection,
        "reporting": .ignoredSection,
        "compatibility": .ignoredSection,
        "validation": .ignoredSection,
        "catalog": .ignoredSection,
        "policy": .ignoredSection,
    ]
}

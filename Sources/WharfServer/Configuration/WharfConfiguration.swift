import Upstream
import ACME
import DNS
import DNS01
import Logging
import PullThrough
import Registry
import S3

/// Wharf's effective configuration, after the file, the environment and defaults.
public struct WharfConfiguration: Sendable, Equatable {
    /// Logging.
    public var log = LogSettings()
    /// The cache's root folder.
    public var storageRoot = "./data"
    /// `storage.s3`: the cache in an S3-compatible bucket instead of a folder.
    public var storageS3: S3Settings?
    /// `storage.s3.peerurl` (ours): where the fleet's other instances reach this one; written
    /// into download leases, so they stream a blob from here while it downloads.
    public var storageS3PeerURL: String?
    /// `storage.redirect.disable: false`: warm blob GETs answer 307 to a presigned bucket URL.
    public var storageRedirect = false
    /// The API listener.
    public var http = HTTPSettings()
    /// The upstream registry.
    public var proxy = ProxySettings()
    /// `auth.htpasswd`: clients must sign in; `nil` admits everyone.
    public var htpasswd: HtpasswdSettings?
    /// `auth.clientcert`: a client certificate admits a request as a password does.
    public var clientCertificates: ClientCertificateSettings?
    /// `auth.trustednetworks`: clients from these networks pull without credentials.
    public var trustedNetworks: [IPNetwork] = []
    /// Where Wharf keeps certificates and keys it makes (the local CA, later ACME state).
    public var stateFolder = "certs"
    /// Where each value came from, for errors found after loading.
    public var origins = ConfigurationOrigins(source: "configuration")

    public init() {}

    /// Log level and format (`log.level`, `log.formatter`).
    public struct LogSettings: Sendable, Equatable {
        public var level: Logger.Level = .info
        public var format: Format = .text

        public enum Format: String, Sendable, Equatable {
            case text
            case json
        }
    }

    /// `http.*`
    public struct HTTPSettings: Sendable, Equatable {
        /// Address to bind; `0.0.0.0` when the configuration gives only `:port`.
        public var host = "0.0.0.0"
        public var port = 5000
        /// The externally visible URL (`http.host`), used in redirects and logs.
        public var externalURL: String?
        /// TLS on the API listener; `nil` serves plain HTTP (as distribution does without `http.tls`).
        public var tls: TLSSettings?
        /// Whether HTTP/2 is offered by ALPN next to HTTP/1.1 (`http.http2.disabled` turns it off).
        public var http2 = true
        /// The plain listener for ACME HTTP-01 and redirects to https (`http.tls.letsencrypt.httpaddr`).
        public var plainListener: ListenAddress?
        /// `http.debug.addr`: `/metrics`, `/healthz`, `/readyz` on their own plain listener, without auth.
        public var debugListener: ListenAddress?
        /// `http.timeouts.*` and `http.limits.*` of the API listener.
        public var limits = ListenerLimits()
    }

    /// A host and port to listen on.
    public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// `http.tls.*`
    public struct TLSSettings: Sendable, Equatable {
        /// Where the certificate comes from.
        public enum Source: Sendable, Equatable {
            /// PEM files given by `http.tls.certificate` and `http.tls.key`, reloaded when they change.
            case files(certificate: String, key: String)
            /// A local CA Wharf creates in the state folder (the default with no configuration file).
            case localAuthority
            /// Certificates Wharf obtains and renews itself from an ACME CA (`http.tls.letsencrypt`).
            case acme(ACMESettings)
        }

        public var source: Source
        /// `http.tls.minimumtls`: `tls1.2` (default) or `tls1.3`.
        public var minimumVersion: MinimumVersion = .tls12
        /// `http.tls.clientcas`: when set, clients must present a certificate signed by one of these.
        public var clientCAs: [String] = []

        public init(source: Source) {
            self.source = source
        }

        public enum MinimumVersion: String, Sendable, Equatable {
            case tls12 = "tls1.2"
            case tls13 = "tls1.3"
        }
    }

    /// The cache's size limit in bytes (`storage.maxsize`, e.g. `50GiB`); `nil` means none.
    public var storageMaxSize: Int64?
    /// `storage.minfree` (ours): below this many free bytes on the store's volume, the least
    /// recently used content is evicted; `nil` means no limit.
    public var storageMinFree: Int64?

    /// `proxy.*`
    public struct ProxySettings: Sendable, Equatable {
        /// The default upstream's URL; Docker Hub by default.
        public var remoteURL = "https://registry-1.docker.io"
        public var username: String?
        public var password: String?
        /// The registry host clients know the default upstream by (`proxy.name`); derived from the URL when absent.
        public var name: String?
        /// More upstreams (`proxy.upstreams`), chosen by `?ns=` or a path prefix.
        public var upstreams: [UpstreamSettings] = []
        /// How long a tag is answered from the cache without asking upstream (`proxy.tagttl`).
        public var tagTTL: Duration = .seconds(60)
        /// Content unused for this long is removed (`proxy.ttl`); `nil` keeps it.
        public var ttl: Duration?
        /// What may be pulled through the default upstream (`proxy.repositories`).
        public var repositories = RepositoryPolicy(key: "proxy.repositories")
        /// Pulls kept back from every upstream's rate limit (`proxy.ratelimit.reserve`: `10%`, or a count).
        public var rateLimitReserve: CachePolicy.BudgetReserve = .share(0.1)
        /// Images kept fresh by the warm Service (`proxy.warm`, ours).
        public var warm: [ImageReference] = []
        /// `proxy.timeouts.*`: how long Wharf waits on an upstream.
        public var timeouts = UpstreamTimeouts()
    }

    /// `http.tls.letsencrypt.*`: obtaining certificates with ACME.
    public struct ACMESettings: Sendable, Equatable {
        /// The names on the certificate (`hosts`).
        public var hosts: [String]
        /// `directoryurl`, Let's Encrypt production by default.
        public var directoryURL = "https://acme-v02.api.letsencrypt.org/directory"
        /// `email`, the account contact.
        public var email: String?
        /// `cachefile` (for Wharf a folder): account and certificates; `certs` by default.
        public var stateFolder = "certs"
        /// Whether `cachefile` was set: then the state stays in that folder even with `storage.s3`
        /// (whose bucket holds it otherwise, under `<rootdirectory>/acme/`).
        public var stateFolderConfigured = false
        /// `challenge`: one type or an ordered list (`[tls-alpn-01, http-01]`), tried in turn
        /// when one fails; `http-01` by default; `dns-01` takes its provider from `dns`.
        public var challenges: [ChallengeSettings] = [.http01]
        /// The first of ``challenges``, the one tried first.
        public var challenge: ChallengeSettings { challenges[0] }
        /// `cabundle`: extra CAs to trust for the ACME server's own HTTPS.
        public var caBundle: String?
        /// `keytype`: `ecdsa-p256` (default), `ecdsa-p384`, `rsa-2048`, `rsa-4096`.
        public var keyType: KeyType = .ecdsaP256
        /// `eab.kid` and `eab.hmackey`: external account binding (ZeroSSL and others).
        public var eabKeyID: String?
        public var eabHMACKey: String?
        /// `preferredchain`: the issuer common name of the root to prefer among alternate chains.
        public var preferredChain: String?
        /// `profile`: the certificate profile to order (Let's Encrypt's `classic`, `shortlived`, ...),
        /// when the CA lists profiles in its directory.
        public var profile: String?

        public init(hosts: [String]) {
            self.hosts = hosts
        }
    }

    /// `http.tls.letsencrypt.dns.*`
    public struct DNSChallengeSettings: Sendable, Equatable {
        public enum Provider: Sendable, Equatable {
            case rfc2136(RFC2136Settings)
            case webhook(WebhookSettings)
            case exec(ExecSettings)
        }

        public var provider: Provider
        public var propagation: PropagationSettings

        public init(provider: Provider, propagation: PropagationSettings) {
            self.provider = provider
            self.propagation = propagation
        }
    }

    /// `auth.htpasswd.*`
    public struct HtpasswdSettings: Sendable, Equatable {
        public var realm: String
        public var path: String
        /// Failed attempts allowed within ``failureWindow`` for one user from one address and for one user
        /// from all addresses; five times as many users per address (ours: `failurelimit`).
        public var failureLimit = 10
        /// `failurewindow`, default one minute.
        public var failureWindow: Duration = .seconds(60)

        public init(realm: String, path: String) {
            self.realm = realm
            self.path = path
        }
    }

    /// One entry of `proxy.upstreams`.
    public struct UpstreamSettings: Sendable, Equatable {
        public var name: String
        public var remoteURL: String
        public var username: String?
        public var password: String?
        /// What may be pulled through this upstream (`repositories` of the entry).
        public var repositories: RepositoryPolicy

        public init(name: String, remoteURL: String, username: String? = nil, password: String? = nil, repositories: RepositoryPolicy? = nil) {
            self.name = name
            self.remoteURL = remoteURL
            self.username = username
            self.password = password
            self.repositories = repositories ?? RepositoryPolicy(key: "proxy.upstreams[].repositories")
        }
    }
}

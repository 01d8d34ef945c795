import Logging

/// Wharf's effective configuration, after the file, the environment and defaults.
public struct WharfConfiguration: Sendable, Equatable {
    /// Logging.
    public var log = LogSettings()
    /// The cache's root folder.
    public var storageRoot = "./data"
    /// The API listener.
    public var http = HTTPSettings()
    /// The upstream registry.
    public var proxy = ProxySettings()

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
    }

    /// `proxy.*`
    public struct ProxySettings: Sendable, Equatable {
        /// The upstream's URL; Docker Hub by default.
        public var remoteURL = "https://registry-1.docker.io"
        public var username: String?
        public var password: String?
    }
}

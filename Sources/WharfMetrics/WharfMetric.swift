/// Every metric Wharf exports, by its Prometheus name.
///
/// The one list of names: code records metrics through these cases, and tests (and the
/// dashboard check) compare against ``allCases``.
public enum WharfMetric: String, CaseIterable, Sendable {
    // Requests (label `route`; `status` on requests, `kind` and `result` on cache answers)
    case requests = "wharf_requests_total"
    case requestDuration = "wharf_request_duration_seconds"
    case bytesServed = "wharf_bytes_served_total"
    case cacheAnswers = "wharf_cache_total"
    // Authentication
    case authFailures = "wharf_auth_failures_total"
    case authRateLimited = "wharf_auth_rate_limited_total"
    /// Admitted requests, label `method`: password, certificate or network.
    case authAdmitted = "wharf_auth_admitted_total"
    // Upstreams (label `upstream`; `reason` on stale answers)
    case upstreamFetchesInFlight = "wharf_upstream_fetches_in_flight"
    case upstreamBytes = "wharf_upstream_bytes_total"
    case upstreamReachable = "wharf_upstream_reachable"
    case verificationFailures = "wharf_verification_failures_total"
    case staleAnswers = "wharf_stale_answers_total"
    // Upstream budget (label `upstream`): Docker Hub's ratelimit-limit / ratelimit-remaining, 429s
    case upstreamRateLimit = "wharf_upstream_ratelimit_limit"
    case upstreamRateLimitRemaining = "wharf_upstream_ratelimit_remaining"
    case upstreamRateLimited = "wharf_upstream_rate_limited_total"
    case upstreamRetryAfter = "wharf_upstream_retry_after_seconds"
    // Repository policy (labels `upstream`, `reason`: deny, deny_tag, not_allowed)
    case policyRefusals = "wharf_policy_refusals_total"
    // Per-image statistics since start (gauges; label `repository` or `client`: the top 20 by
    // pulls and "(other)" for the rest)
    case repositoryPulls = "wharf_repository_pulls"
    case repositoryBytesServed = "wharf_repository_bytes_served"
    case repositoryHitRatio = "wharf_repository_cache_hit_ratio"
    case clientPulls = "wharf_client_pulls"
    case clientBytesServed = "wharf_client_bytes_served"
    case clientHitRatio = "wharf_client_cache_hit_ratio"
    // Store
    case storeBytes = "wharf_store_bytes"
    case storeObjects = "wharf_store_objects"
    case evictedObjects = "wharf_evicted_objects_total"
    case evictedBytes = "wharf_evicted_bytes_total"
    /// Blobs served without storing them (label `reason`: `no_space`, `store_failed`).
    case passThrough = "wharf_passthrough_total"
    // Listener connections (label `reason`: why one was refused or cut)
    case connectionsOpen = "wharf_connections_open"
    case connectionsRefused = "wharf_connections_refused_total"
    case connectionsCut = "wharf_connections_cut_total"
    // Certificates (label `result` on renewals)
    case certificateExpiry = "wharf_certificate_expiry_seconds"
    case certificateNextRenewal = "wharf_certificate_next_renewal_seconds"
    case certificateRenewals = "wharf_certificate_renewals_total"
    case acmeProfileValid = "wharf_acme_profile_valid"

    /// The name as Prometheus shows it.
    public var name: String { rawValue }

    /// The label names metrics are recorded with; values are bounded by the code that sets them.
    public enum Label {
        public static let route = "route"
        public static let status = "status"
        public static let kind = "kind"
        public static let result = "result"
        public static let upstream = "upstream"
        public static let reason = "reason"
        public static let repository = "repository"
        public static let client = "client"
        public static let method = "method"
    }
}

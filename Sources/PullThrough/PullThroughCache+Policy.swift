import Logging
import Metrics
import Registry
import Upstream
import WharfMetrics

extension PullThroughCache {
    /// Refuses a request the upstream's repository policy forbids, before anything is asked
    /// of the store or the upstream: logged, counted, and answered 403 `DENIED` naming the rule.
    func admit(_ name: RepositoryName, tag: Tag? = nil, from upstream: UpstreamTarget) throws(RegistryError) {
        guard !upstream.repositories.admitsEverything else { return }   // the usual case: no name to normalize
        let remoteName = upstream.client.configuration.upstreamName(name)
        guard case .refused(let rule, let reason) = upstream.repositories.decide(remoteName, tag: tag?.value) else { return }
        let target = tag.map { "\(remoteName):\($0)" } ?? remoteName.value
        Counter(
            label: WharfMetric.policyRefusals.name,
            dimensions: [(WharfMetric.Label.upstream, upstream.client.configuration.name), (WharfMetric.Label.reason, reason)]
        ).increment()
        logger.notice("pull refused by repository policy", metadata: ["repository": "\(target)", "upstream": "\(upstream.key)", "rule": "\(rule)"])
        throw RegistryError(.denied, "\(target) is refused by \(rule)")
    }
}

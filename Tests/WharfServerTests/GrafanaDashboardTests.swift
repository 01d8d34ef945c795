import Foundation
import Testing
import WharfMetrics

@Suite("the Grafana dashboard")
struct GrafanaDashboardTests {
    static let dashboard = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/grafana/wharf.json")

    /// Every `expr` of the dashboard's panels and the `query` of its variables.
    static func expressions() throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: dashboard))
        var found: [String] = []
        func walk(_ value: Any, key: String?) {
            switch value {
            case let map as [String: Any]: for (key, child) in map { walk(child, key: key) }
            case let list as [Any]: for child in list { walk(child, key: key) }
            case let text as String where key == "expr" || (key == "query" && text.contains("wharf_")): found.append(text)
            default: break
            }
        }
        walk(object, key: nil)
        return found
    }

    /// The `wharf_...` names in a PromQL expression, with a histogram's `_bucket`, `_sum` and `_count` taken off.
    static func metricNames(in expression: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: #"\bwharf_[a-z0-9_]+"#)
        let range = NSRange(expression.startIndex..., in: expression)
        return Set(pattern.matches(in: expression, range: range).map { match in
            var name = String(expression[Range(match.range, in: expression)!])
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && !WharfMetric.allCases.contains(where: { $0.name == name }) {
                name.removeLast(suffix.count)
            }
            return name
        })
    }

    @Test("every expression names only metrics Wharf exports, and at least one")
    func expressionsNameExportedMetrics() throws {
        let exported = Set(WharfMetric.allCases.map(\.name))
        let expressions = try Self.expressions()
        #expect(expressions.count >= 10, "the dashboard has its panels: \(expressions.count) expressions")
        for expression in expressions {
            let names = Self.metricNames(in: expression)
            #expect(!names.isEmpty, "\(expression) names no Wharf metric")
            #expect(names.isSubset(of: exported), "\(expression) names \(names.subtracting(exported).sorted()), which Wharf does not export")
        }
    }

    @Test("every metric Wharf exports is on the dashboard")
    func everyMetricIsShown() throws {
        let shown = try Self.expressions().reduce(into: Set<String>()) { $0.formUnion(Self.metricNames(in: $1)) }
        let missing = WharfMetric.allCases.map(\.name).filter { !shown.contains($0) }
        #expect(missing.isEmpty, "not on the dashboard: \(missing)")
    }

    @Test("the name check itself: a histogram's series map to its metric, an unknown name is caught")
    func nameExtraction() {
        #expect(Self.metricNames(in: "rate(wharf_request_duration_seconds_bucket[5m])") == ["wharf_request_duration_seconds"])
        #expect(Self.metricNames(in: "sum(wharf_no_such_metric)") == ["wharf_no_such_metric"])
        #expect(Self.metricNames(in: "up") == [])
    }
}

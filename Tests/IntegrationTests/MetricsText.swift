import Foundation

/// Reads samples out of the Prometheus text `/metrics` answers.
enum MetricsText {
    /// The value of the sample named `name` whose labels include `labels`; `nil` when there is none.
    /// Label order in the text does not matter.
    static func value(in text: String, _ name: String, labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            let rest = line.dropFirst(name.count)
            guard rest.first == "{" || rest.first == " " else { continue }
            var found: [String: String] = [:]
            var valueText = rest
            if rest.first == "{", let close = rest.firstIndex(of: "}") {
                for pair in rest[rest.index(after: rest.startIndex)..<close].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    found[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
                valueText = rest[rest.index(after: close)...]
            }
            guard labels.allSatisfy({ found[$0.key] == $0.value }) else { continue }
            return Double(valueText.trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}

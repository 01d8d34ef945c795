import Foundation
import Upstream

/// The HTML page at `/`: upstreams, cache size and hit ratio, the certificate and recent
/// errors. Plain HTML and a little CSS; it refreshes itself every 30 s.
enum StatusPage {
    static func render(_ snapshot: StatusSnapshot) -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="30">
            <title>Wharf status</title>
            <style>
            body{font:15px/1.4 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
            table{border-collapse:collapse;width:100%;margin-bottom:1.5em}
            th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #ddd;vertical-align:top}
            .ok{color:#176f2c}.bad{color:#b00020}.warn{color:#9a6700}
            </style></head><body>
            <h1>Wharf</h1>
            <p>Up since \(escape(timestamp(snapshot.startedAt))) · page generated \(escape(timestamp(snapshot.now)))</p>

            """
        html += upstreamSection(snapshot)
        html += cacheSection(snapshot)
        html += rankingSection("Repositories", id: "repository", snapshot.repositories)
        html += rankingSection("Clients", id: "client", snapshot.clients)
        html += certificateSection(snapshot)
        html += errorSection(snapshot)
        html += "</body></html>\n"
        return html
    }

    private static func upstreamSection(_ snapshot: StatusSnapshot) -> String {
        var rows = ""
        for upstream in snapshot.upstreams {
            let record = upstream.health
            let state: String
            if record.isReachable(now: snapshot.now, window: snapshot.reachabilityWindow) {
                state = #"<span class="ok">reachable</span>"#
            } else if record.isUnknown {
                state = #"<span class="warn">not checked yet</span>"#
            } else {
                state = #"<span class="bad">unreachable</span>"# + (record.lastFailureMessage.map { ": " + escape($0) } ?? "")
            }
            let last = record.lastAnswer.map { escape(timestamp($0)) } ?? "never"
            rows += "<tr><td>\(escape(upstream.name))</td><td>\(escape(upstream.origin))</td><td id=\"upstream-\(escape(upstream.name))\">\(state)</td><td>\(last)</td>"
            rows += "<td id=\"budget-\(escape(upstream.name))\">\(budget(upstream.budget, now: snapshot.now))</td></tr>\n"
        }
        return "<h2>Upstreams</h2>\n<table><tr><th>Name</th><th>Origin</th><th>State</th><th>Last answer</th><th>Pull budget</th></tr>\n\(rows)</table>\n"
    }

    /// `42 of 100 pulls left per 6 h`, and a 429's wait while it lasts.
    static func budget(_ reading: UpstreamBudget.Reading, now: Date) -> String {
        guard reading.isKnown else { return "not reported" }
        var parts: [String] = []
        if let remaining = reading.remaining {
            var text = reading.limit.map { "\(remaining) of \($0) pulls left" } ?? "\(remaining) pulls left"
            if let window = reading.window { text += window % 3600 == 0 ? " per \(window / 3600) h" : " per \(window) s" }
            parts.append(text)
        } else if let limit = reading.limit {
            parts.append("limit \(limit) pulls")
        }
        if let until = reading.retryUntil, until > now {
            parts.append(#"<span class="bad">rate-limited until "# + escape(timestamp(until)) + "</span>")
        }
        if reading.rateLimitedAnswers > 0 { parts.append("\(reading.rateLimitedAnswers) × 429") }
        return parts.joined(separator: "; ")
    }

    private static func cacheSection(_ snapshot: StatusSnapshot) -> String {
        let store = snapshot.store
        let cache = snapshot.cache
        let ratio = cache.hitRatio.map { String(format: "%.1f %%", $0 * 100) } ?? "no requests yet"
        var size = store.bytes.map(byteCount) ?? "not measured yet"
        if let objects = store.objects { size += " in \(objects) objects" }
        if let measuredAt = store.measuredAt { size += " (measured \(escape(timestamp(measuredAt))))" }
        let limit = store.maxSize.map(byteCount) ?? "none"
        return """
            <h2>Cache</h2>
            <table>
            <tr><th>Store</th><td>\(escape(store.root))</td></tr>
            <tr><th>Size</th><td id="store-size">\(size)</td></tr>
            <tr><th>Size limit</th><td>\(limit)</td></tr>
            <tr><th>Hit ratio</th><td id="hit-ratio">\(ratio)</td></tr>
            <tr><th>Answers</th><td id="cache-answers">\(cache.hits) hits, \(cache.misses) misses, \(cache.stale) stale</td></tr>
            </table>

            """
    }

    /// The top list of repositories or clients: pulls, bytes served, hit ratio.
    private static func rankingSection(_ title: String, id: String, _ ranking: ImageStatistics.Ranking) -> String {
        guard !ranking.top.isEmpty || ranking.other != nil else {
            return "<h2>\(title)</h2>\n<p id=\"\(id)-ranking\">No pulls yet.</p>\n"
        }
        func row(_ name: String, _ counts: ImageStatistics.Counts) -> String {
            let ratio = counts.hitRatio.map { String(format: "%.1f %%", $0 * 100) } ?? "-"
            return "<tr id=\"\(id)-\(escape(name))\"><td>\(escape(name))</td><td>\(counts.pulls)</td><td>\(byteCount(counts.bytes))</td><td>\(ratio)</td></tr>\n"
        }
        var rows = ranking.top.map { row($0.name, $0.counts) }.joined()
        if let other = ranking.other { rows += row(ImageStatistics.otherLabel, other) }
        return """
            <h2>\(title) (top \(ImageStatistics.shown) by pulls)</h2>
            <table id="\(id)-ranking"><tr><th>\(title.dropLast())</th><th>Pulls</th><th>Bytes served</th><th>Hit ratio</th></tr>
            \(rows)</table>

            """
    }

    private static func certificateSection(_ snapshot: StatusSnapshot) -> String {
        guard let certificate = snapshot.certificate else {
            return "<h2>Certificate</h2>\n<p id=\"certificate\" class=\"warn\">No TLS: this listener serves plain HTTP.</p>\n"
        }
        let seconds = certificate.notAfter.timeIntervalSince(snapshot.now)
        let days = seconds / 86400
        let left = seconds <= 0 ? #"<span class="bad">expired</span>"# : String(format: "%.1f days left", days)
        let issuer = certificate.isSelfIssued ? "self-signed (temporary or configured)" : escape(certificate.issuer)
        return """
            <h2>Certificate</h2>
            <table id="certificate">
            <tr><th>Names</th><td>\(certificate.names.map(escape).joined(separator: ", "))</td></tr>
            <tr><th>Issuer</th><td>\(issuer)</td></tr>
            <tr><th>Serial</th><td>\(escape(certificate.serial))</td></tr>
            <tr><th>Expires</th><td>\(escape(timestamp(certificate.notAfter))) (\(left))</td></tr>
            </table>

            """
    }

    private static func errorSection(_ snapshot: StatusSnapshot) -> String {
        guard !snapshot.recentErrors.isEmpty else {
            return "<h2>Recent errors</h2>\n<p id=\"recent-errors\">None since start.</p>\n"
        }
        var rows = ""
        for error in snapshot.recentErrors {
            rows += "<tr><td>\(escape(timestamp(error.date)))</td><td>\(error.status)</td><td>\(escape(error.method)) \(escape(error.path))</td><td>\(escape(error.message))</td></tr>\n"
        }
        return "<h2>Recent errors</h2>\n<table id=\"recent-errors\"><tr><th>When</th><th>Status</th><th>Request</th><th>Error</th></tr>\n\(rows)</table>\n"
    }

    /// Escapes text for HTML element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `1.5 GiB`-style sizes.
    static func byteCount(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

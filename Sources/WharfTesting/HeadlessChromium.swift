import Foundation

/// Debian's Chromium, headless: loads a page as a browser does and returns the DOM it built.
public enum HeadlessChromium {
    /// Loads `url` and returns the serialized DOM after load.
    public static func dumpDOM(_ url: String, timeout: Duration = .seconds(60)) async throws -> String {
        let chromium = try Command.locate("chromium", debianPackage: "chromium")
        let profile = try TemporaryFolder(prefix: "wharf-chromium")
        defer { profile.remove() }
        // --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
        let result = try await Command.run(
            chromium,
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)", "--dump-dom", url],
            timeout: timeout
        )
        guard result.status == 0, !result.stdout.isEmpty else {
            throw TestSupportError("chromium --dump-dom \(url) failed with status \(result.status):\n\(LogFile.tail(result.stderr))")
        }
        return result.stdout
    }
}

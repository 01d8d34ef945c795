import Foundation

/// A real BIND 9 (`named`) serving test zones on 127.0.0.1 and a free port, taking RFC 2136
/// updates signed with a TSIG key made by `tsig-keygen` (see ../shared/PEERS.md).
///
/// Zones:
/// - `example.test` (updatable with the key): `ns` and `mirror` A 127.0.0.1, and
///   `_acme-challenge.delegate.example.test` CNAME `delegate.challenges.test.` (a delegated challenge).
/// - `challenges.test` (updatable with the key): where that CNAME points.
/// - `locked.test`: served, but no key may update it.
/// - `hidden.test` (updatable with the key): its only NS name, `unlisted.locked.test`, has no
///   address, as for a hidden primary whose NS records name servers that cannot be reached.
///
/// ```swift
/// let bind = try await BindPeer.start()
/// defer { bind.folder.remove() }
/// let values = try await bind.txtValues("_acme-challenge.example.test")
/// await bind.stop()
/// ```
public final class BindPeer: Sendable {
    /// The UDP and TCP port named listens on, on 127.0.0.1.
    public let port: Int
    /// The folder holding named.conf, the zone files, the key file and named's log.
    public let folder: TemporaryFolder
    /// The TSIG key's name, `acme-key`.
    public let keyName: String
    /// The key's algorithm, e.g. `hmac-sha256`.
    public let keyAlgorithm: String
    /// The key's base64 secret.
    public let keySecret: String
    /// The key file as `tsig-keygen` wrote it.
    public let keyFile: String
    private let process: PeerProcess
    private let dig: String

    /// The zone updatable with the key.
    public static let zone = "example.test"
    /// The second updatable zone, target of the CNAME `_acme-challenge.delegate.example.test`.
    public static let delegatedZone = "challenges.test"
    /// A zone the server serves but lets no key update.
    public static let lockedZone = "locked.test"
    /// An updatable zone whose NS name does not resolve.
    public static let hiddenZone = "hidden.test"

    private init(
        port: Int,
        folder: TemporaryFolder,
        key: (name: String, algorithm: String, secret: String),
        keyFile: String,
        process: PeerProcess,
        dig: String
    ) {
        self.port = port
        self.folder = folder
        keyName = key.name
        keyAlgorithm = key.algorithm
        keySecret = key.secret
        self.keyFile = keyFile
        self.process = process
        self.dig = dig
    }

    /// `127.0.0.1:<port>`, as the rfc2136 provider's `nameserver` setting takes it.
    public var nameserver: String { "127.0.0.1:\(port)" }

    /// Makes a key with `tsig-keygen -a <algorithm> acme-key`, writes the configuration and
    /// zones, and starts `named -g` on a free port (retrying on another port if it is taken).
    ///
    /// - Throws: ``TestSupportError`` saying which Debian package to install when a tool is missing.
    public static func start(algorithm: String = "hmac-sha256") async throws -> BindPeer {
        let named = try Command.locate("named", debianPackage: "bind9")
        let keygen = try Command.locate("tsig-keygen", debianPackage: "bind9")
        let dig = try Command.locate("dig", debianPackage: "bind9-dnsutils")
        let folder = try TemporaryFolder(prefix: "wharf-bind")

        let generated = try await Command.run(keygen, ["-a", algorithm, "acme-key"], timeout: .seconds(30))
        guard generated.succeeded, let secret = secret(in: generated.stdout) else {
            throw TestSupportError("tsig-keygen -a \(algorithm) acme-key failed:\n\(generated.stderr)\(generated.stdout)")
        }
        let keyFile = folder.file("tsig.key")
        try generated.stdout.write(toFile: keyFile, atomically: true, encoding: .utf8)
        try writeZones(in: folder)

        var lastFailure = ""
        for _ in 0..<5 {
            let port = try FreePort.make()
            try configuration(folder: folder, port: port).write(
                toFile: folder.file("named.conf"),
                atomically: true,
                encoding: .utf8
            )
            let process = try PeerProcess(
                named,
                ["-c", folder.file("named.conf"), "-u", "root", "-g"],
                in: folder,
                name: "named"
            )
            do {
                try await process.waitForLog(containing: "all zones loaded", timeout: .seconds(30))
                try await process.waitForPort(port, timeout: .seconds(10))
                return BindPeer(
                    port: port,
                    folder: folder,
                    key: ("acme-key", algorithm, secret),
                    keyFile: keyFile,
                    process: process,
                    dig: dig
                )
            } catch {
                lastFailure = "\(error)"
                await process.stop()
            }
        }
        throw TestSupportError("named did not start on any of 5 free ports; last failure:\n\(lastFailure)")
    }

    /// The TXT values at `name` as `dig +short` prints them, each record's strings joined.
    public func txtValues(_ name: String) async throws -> [String] {
        let output = try await digShort(name, type: "TXT")
        return output.split(separator: "\n").map { line in
            Self.quotedStrings(in: String(line)).joined()
        }
    }

    /// `dig @127.0.0.1 -p PORT <type> <name> +short +norec`'s output lines.
    public func digShort(_ name: String, type: String) async throws -> String {
        let result = try await Command.run(
            dig,
            ["@127.0.0.1", "-p", String(port), type, name, "+short", "+norec", "+time=2", "+tries=2"],
            timeout: .seconds(20)
        )
        guard result.succeeded else {
            throw TestSupportError("dig \(type) \(name) failed (status \(result.status)):\n\(result.stdout)\(result.stderr)")
        }
        return result.stdout
    }

    /// named's output so far (it runs with -g, logging to stderr).
    public func log() -> String {
        process.log()
    }

    /// Stops named.
    public func stop() async {
        await process.stop()
    }

    private static func secret(in keyText: String) -> String? {
        guard let start = keyText.range(of: "secret \"") else { return nil }
        let rest = keyText[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    private static func configuration(folder: TemporaryFolder, port: Int) -> String {
        let dir = folder.path
        return """
            include "\(dir)/tsig.key";
            controls { };
            options {
                directory "\(dir)";
                listen-on port \(port) { 127.0.0.1; };
                listen-on-v6 { none; };
                recursion no;
                pid-file "\(dir)/named.pid";
                session-keyfile "\(dir)/session.key";
                managed-keys-directory "\(dir)";
                dnssec-validation no;
                notify no;
            };
            zone "\(zone)" { type primary; file "\(dir)/\(zone).zone"; allow-update { key "acme-key"; }; };
            zone "\(delegatedZone)" { type primary; file "\(dir)/\(delegatedZone).zone"; allow-update { key "acme-key"; }; };
            zone "\(lockedZone)" { type primary; file "\(dir)/\(lockedZone).zone"; };
            zone "\(hiddenZone)" { type primary; file "\(dir)/\(hiddenZone).zone"; allow-update { key "acme-key"; }; };

            """
    }

    private static func writeZones(in folder: TemporaryFolder) throws {
        let zones = [
            zone: """
            _acme-challenge.delegate IN CNAME delegate.\(delegatedZone).
            mirror IN A 127.0.0.1
            """,
            delegatedZone: "",
            lockedZone: "mirror IN A 127.0.0.1",
        ]
        let hidden = """
            $TTL 60
            @ IN SOA unlisted.\(lockedZone). admin.\(hiddenZone). ( 1 60 60 600 60 )
            @ IN NS unlisted.\(lockedZone).
            mirror IN A 127.0.0.1

            """
        try hidden.write(toFile: folder.file("\(hiddenZone).zone"), atomically: true, encoding: .utf8)
        for (name, records) in zones {
            let text = """
                $TTL 60
                @ IN SOA ns.\(name). admin.\(name). ( 1 60 60 600 60 )
                @ IN NS ns.\(name).
                ns IN A 127.0.0.1
                \(records)

                """
            try text.write(toFile: folder.file("\(name).zone"), atomically: true, encoding: .utf8)
        }
    }

    /// The contents of the `"..."` strings on one line of dig output (backslash escapes kept as the escaped byte).
    private static func quotedStrings(in line: String) -> [String] {
        var strings: [String] = []
        var current: String?
        var escaped = false
        for character in line {
            if var text = current {
                if escaped {
                    text.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    strings.append(text)
                    current = nil
                    continue
                } else {
                    text.append(character)
                }
                current = text
            } else if character == "\"" {
                current = ""
            }
        }
        return strings
    }
}

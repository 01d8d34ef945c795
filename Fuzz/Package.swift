// swift-tools-version:6.2
// libFuzzer targets for Wharf's parsers of untrusted and operator-written input.
//
// Not part of the main build; `scripts/fuzz` builds and runs them. Each target is an executable
// with no `main`: its file defines `LLVMFuzzerTestOneInput`, and libFuzzer (linked by
// `--sanitize fuzzer`) supplies `main`. Their seed corpora are in `corpus/<target>/`.
import PackageDescription

let wharf = "wharf"

let fuzzers: [(name: String, dependencies: [String])] = [
    ("FuzzNames", ["Registry"]),
    ("FuzzManifest", ["Registry"]),
    ("FuzzHeaders", ["Registry", "ACME"]),
    ("FuzzChallenge", ["Upstream", "OutboundURL"]),
    ("FuzzHtpasswd", ["HtpasswdAuth"]),
    ("FuzzDNSMessage", ["DNS"]),
    ("FuzzTSIG", ["DNS"]),
    ("FuzzACME", ["ACME"]),
    ("FuzzConfiguration", ["WharfServer"]),
]

let package = Package(
    name: "wharf-fuzz",
    platforms: [.macOS(.v15)],
    products: fuzzers.map { .executable(name: $0.name, targets: [$0.name]) },
    dependencies: [
        .package(name: wharf, path: ".."),
    ],
    targets: fuzzers.map { fuzzer in
        .executableTarget(
            name: fuzzer.name,
            dependencies: fuzzer.dependencies.map { .product(name: $0, package: wharf) }
        )
    }
)

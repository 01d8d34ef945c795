import ArgumentParser
import Foundation
import Logging
import Storage
import WharfServer

/// `wharf store`: checks of the cache's content.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check the cached content.",
        subcommands: [Verify.self]
    )

    /// `wharf store verify [--repair]`
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rehash every stored blob and manifest and report those whose bytes do not match their digest.",
            discussion: "Exits 1 when corrupt content remains. With --repair, removes it (a later pull fetches it again) and the temporary files of unfinished downloads; run that while Wharf is stopped."
        )

        @Option(name: .shortAndLong, help: "The configuration file Wharf serves with.")
        var config: String?

        @Flag(help: "Remove corrupt objects and temporary files.")
        var repair = false

        func run() async throws {
            let loaded = try loadConfiguration(config)
            let report = try await loaded.configuration.withStore(logger: Logger(label: "wharf.store")) { store in
                try await StoreVerifier(store: store).verify(repair: repair)
            }
            for (key, problem) in report.corrupt {
                print("corrupt \(key): \(problem)\(report.removed.contains(key) ? "; removed" : "")")
            }
            if repair { print("removed \(report.temporaryFilesRemoved) temporary files") }
            print("checked \(report.checked) objects, \(report.checkedBytes) bytes: \(report.corrupt.count) corrupt, \(report.removed.count) removed")
            if report.corrupt.count > report.removed.count { throw ExitCode(1) }
        }
    }
}

import ArgumentParser
import Foundation
import Logging
import WharfServer

/// The `wharf` command line.
@main
struct Wharf: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A pull-through cache for OCI registries.",
        subcommands: [Serve.self, ConfigCommand.self, GarbageCollect.self, StoreCommand.self, HtpasswdCommand.self, CertCommand.self, WarmCommand.self, ClientCertCommand.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the mirror.")

    @Option(name: .shortAndLong, help: "distribution's config.yml (version 0.1); without it Wharf proxies Docker Hub.")
    var config: String?

    func run() async throws {
        let loaded = try loadConfiguration(config)
        let logger = WharfLogging.bootstrap(loaded.configuration.log)
        for warning in loaded.warnings { logger.warning("\(warning)") }
        do {
            try await WharfApplication(configuration: loaded.configuration, logger: logger).run()
        } catch let error as ConfigurationError {
            logger.critical("\(error)")
            throw ExitCode(2)
        } catch {
            logger.critical("wharf stopped: \(error)")
            throw ExitCode(1)
        }
    }
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with configuration files.",
        subcommands: [Check.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a configuration file and print the effective configuration (secrets masked)."
        )

        @Argument(help: "The configuration file.")
        var file: String

        func run() async throws {
            let loaded = try loadConfiguration(file)
            for warning in loaded.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            print(ConfigurationPrinter.render(loaded.configuration), terminator: "")
        }
    }
}

import ArgumentParser
import Foundation
import WharfServer

/// Loads the configuration for a command; a bad one is reported on stderr and exits with 2.
func loadConfiguration(_ path: String?) throws -> ConfigurationLoader.Loaded {
    do {
        return try ConfigurationLoader().load(path: path, environment: ProcessInfo.processInfo.environment)
    } catch {
        FileHandle.standardError.write(Data("wharf: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

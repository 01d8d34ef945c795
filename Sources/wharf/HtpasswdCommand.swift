import ArgumentParser
import Foundation
import HtpasswdAuth

/// `wharf htpasswd add|delete|verify FILE USER`: manage the htpasswd file with bcrypt.
struct HtpasswdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "htpasswd",
        abstract: "Manage an htpasswd file (bcrypt). Passwords come from a prompt, or from stdin when it is not a terminal.",
        subcommands: [Add.self, Delete.self, Verify.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user or replace their password; writes the file atomically with mode 0600.")
        @Argument(help: "The htpasswd file (created if missing).") var file: String
        @Argument(help: "The user name.") var user: String
        @Option(help: "bcrypt cost, 4 to 31.") var cost = 12

        func run() async throws {
            guard (4...31).contains(cost) else { throw ValidationError("--cost must be between 4 and 31") }
            let password = try PasswordInput.read(confirm: true)
            try await report { try await HtpasswdEditor.add(file: file, user: user, password: password, cost: cost) }
            print("\(user) saved in \(file)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user.")
        @Argument var file: String
        @Argument var user: String

        func run() async throws {
            let removed = try await report { try await HtpasswdEditor.delete(file: file, user: user) }
            guard removed else {
                FileHandle.standardError.write(Data("wharf: \(user) is not in \(file)\n".utf8))
                throw ExitCode(1)
            }
            print("\(user) removed from \(file)")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a user's password; exit 0 when it is right, 1 when not.")
        @Argument var file: String
        @Argument var user: String

        func run() async throws {
            let password = try PasswordInput.read(confirm: false)
            guard try await report({ try await HtpasswdEditor.verify(file: file, user: user, password: password) }) else {
                print("password for \(user) is wrong")
                throw ExitCode(1)
            }
            print("password for \(user) is right")
        }
    }
}

/// Runs an editor call, turning its error into a message on stderr and exit status 2.
private func report<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        FileHandle.standardError.write(Data("wharf: \(error)\n".utf8))
        throw ExitCode(2)
    }
}

/// Reads a password without echo from a terminal, or one line from a pipe.
enum PasswordInput {
    static func read(confirm: Bool) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on stdin") }
            return line
        }
        let first = try prompt("Password: ")
        if confirm, try prompt("Again: ") != first { throw ValidationError("the passwords differ") }
        guard !first.isEmpty else { throw ValidationError("the password is empty") }
        return first
    }

    private static func prompt(_ text: String) throws -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

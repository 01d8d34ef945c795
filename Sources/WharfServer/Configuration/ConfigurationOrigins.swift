import Yams

/// Where each value of a configuration came from: a line of the file, or a `REGISTRY_*`
/// environment variable, so that an error about a value can point at it.
///
/// Errors found after loading (an unreadable certificate file, a DNS-01 setting the provider
/// refuses) point at the value too, through ``WharfConfiguration/origins``.
public struct ConfigurationOrigins: Sendable, Equatable {
    /// A position in the file, as the YAML parser counts it (both from 1).
    struct Position: Sendable, Equatable {
        var line: Int
        var column: Int
    }

    /// The file as messages name it (`defaults` when there is none).
    public let source: String
    /// Dotted key path (`proxy.upstreams[0].name`) to the position of its value.
    private var positions: [String: Position] = [:]
    /// Dotted key path to the environment variable that set it.
    private var variables: [String: String] = [:]

    /// Origins for a configuration read from `source`, with no positions known yet.
    public init(source: String) {
        self.source = source
    }

    /// Records the position of every key under `node`, which sits at `path`: a scalar's own
    /// position, a section's or list's key.
    mutating func record(_ node: Node, at path: String = "") {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                guard let name = key.string else { continue }
                let child = path.isEmpty ? name : "\(path).\(name)"
                if let mark = (value.scalar == nil ? nil : value.mark) ?? key.mark {
                    positions[child] = Position(line: mark.line, column: mark.column)
                }
                record(value, at: child)
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                let child = "\(path)[\(index)]"
                if let mark = item.mark { positions[child] = Position(line: mark.line, column: mark.column) }
                record(item, at: child)
            }
        default:
            break
        }
    }

    /// Records that `variable` set the value at `path` (and everything below it).
    mutating func recordVariable(_ variable: String, at path: String) {
        variables[path] = variable
    }

    /// The error about the value at `path`: from the environment variable that set it or one
    /// of its sections, else at the line of the value or of its nearest section in the file.
    public func error(_ path: String, _ message: String) -> ConfigurationError {
        let lineage = Self.lineage(of: path)
        if let variable = lineage.lazy.compactMap({ variables[$0] }).first {
            return ConfigurationError(source: "environment (\(variable))", key: path, message)
        }
        let position = lineage.lazy.compactMap { positions[$0] }.first
        return ConfigurationError(source: source, key: path, line: position?.line, column: position?.column, message)
    }

    /// `FILE:LINE` (or the variable) for `path`, as warnings start.
    func place(of path: String) -> String {
        let error = error(path, "")
        return error.line.map { "\(error.source):\($0)" } ?? error.source
    }

    /// Always true: where values were read is not part of what a configuration says, so two
    /// configurations with the same values are equal wherever they came from.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        true
    }

    /// `path`, then each section holding it: `a.b[0].c`, `a.b[0]`, `a.b`, `a`.
    static func lineage(of path: String) -> [String] {
        var result: [String] = []
        var current = Substring(path)
        while !current.isEmpty {
            result.append(String(current))
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = current[..<cut]
        }
        return result
    }
}

import Yams

extension ConfigurationLoader {
    /// The first mapping key under `node` that is a list or a section (`? [a]: b`), or nil.
    ///
    /// `Node.any`, which turns the composed YAML into plain values as `Yams.load` does,
    /// force-unwraps every key as a string: such a key would end the process.
    static func complexKey(in node: Node) -> Node? {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                if String.construct(from: key) == nil { return key }
                if let found = complexKey(in: value) { return found }
            }
            return nil
        case .sequence(let sequence):
            return sequence.lazy.compactMap(complexKey).first
        case .scalar, .alias:
            return nil
        }
    }
}

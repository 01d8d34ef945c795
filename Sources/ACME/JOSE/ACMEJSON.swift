import Foundation

/// The JSON coding of ACME messages: sorted keys (stable output for tests) and unescaped slashes.
///
/// Timestamps in ACME resources (`expires`) are kept as text: nothing here depends on them.
enum ACMEJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}

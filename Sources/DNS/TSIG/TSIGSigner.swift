import Foundation

/// Signs requests and verifies the answers to them with one TSIG key (RFC 8945 §4.3, §5.3).
package struct TSIGSigner: Sendable {
    /// What checking an answer's signature found.
    enum Verdict: Sendable, Equatable {
        /// The MAC verifies and the time is within the fudge.
        case verified
        /// The server reported a TSIG error (BADSIG, BADKEY, BADTIME, ...); such answers are unsigned.
        case serverError(DNSResponseCode)
        /// The answer carries no TSIG record.
        case unsigned
        /// The answer's time signed is more than the fudge away from ours.
        case clockSkew(serverTime: UInt64)
        /// The answer is signed, but not validly (another key, a wrong MAC).
        case invalid(String)
    }

    let key: TSIGKey
    /// Allowed clock difference in seconds; 300 as RFC 8945 §10 recommends.
    let fudge: UInt16

    package init(key: TSIGKey, fudge: UInt16 = 300) {
        self.key = key
        self.fudge = fudge
    }

    /// The current time as TSIG counts it: whole seconds since the Unix epoch.
    static func now() -> UInt64 {
        UInt64(max(0, Date().timeIntervalSince1970))
    }

    /// Appends a TSIG record to an encoded, unsigned request.
    ///
    /// - Returns: the signed message and its MAC, which the answer's MAC covers.
    func sign(_ request: [UInt8], time: UInt64) throws -> (message: [UInt8], mac: [UInt8]) {
        guard request.count >= 12 else {
            throw DNSError.unencodable("a message to sign must be at least 12 bytes")
        }
        let additionalCount = UInt16(request[10]) << 8 | UInt16(request[11])
        guard additionalCount < UInt16.max else {
            throw DNSError.unencodable("the additional section is full; no room for a TSIG record")
        }
        let id = UInt16(request[0]) << 8 | UInt16(request[1])
        var tsig = TSIGData(algorithm: key.algorithm.name, timeSigned: time, fudge: fudge, mac: [], originalID: id)
        let mac = key.algorithm.mac(secret: key.secret, data: request + variables(tsig))
        tsig.mac = mac

        var writer = WireWriter()
        try writer.writeRecord(DNSRecord(name: key.name, type: .tsig, recordClass: .any, ttl: 0, data: .tsig(tsig)))
        var signed = request + writer.bytes
        signed[10] = UInt8((additionalCount + 1) >> 8)
        signed[11] = UInt8((additionalCount + 1) & 0xFF)
        return (signed, mac)
    }

    /// Checks the TSIG record of an answer to a request signed with MAC `requestMAC`.
    func verify(_ response: [UInt8], requestMAC: [UInt8], now: UInt64) throws -> Verdict {
        let (message, lastOffset) = try DNSMessage.decode(response)
        guard let (record, tsig) = message.tsig, let start = lastOffset else {
            if message.additionals.contains(where: { $0.type == .tsig }) {
                return .invalid("its TSIG record is not the last record")
            }
            return .unsigned
        }
        if message.additionals.dropLast().contains(where: { $0.type == .tsig }) {
            return .invalid("it carries more than one TSIG record")
        }
        guard record.name == key.name, tsig.algorithm == key.algorithm.name else {
            return .invalid("it is signed with key \(record.name) (\(tsig.algorithm)), not \(key)")
        }
        if tsig.error != .noError {
            return .serverError(tsig.error)
        }
        guard tsig.mac.count == key.algorithm.macLength else {
            return .invalid("its MAC is \(tsig.mac.count) bytes; \(key.algorithm) MACs are \(key.algorithm.macLength)")
        }
        var unsigned = Array(response[..<start])
        let additionalCount = UInt16(unsigned[10]) << 8 | UInt16(unsigned[11])
        unsigned[0] = UInt8(tsig.originalID >> 8)
        unsigned[1] = UInt8(tsig.originalID & 0xFF)
        unsigned[10] = UInt8((additionalCount - 1) >> 8)
        unsigned[11] = UInt8((additionalCount - 1) & 0xFF)

        var covered = [UInt8(requestMAC.count >> 8 & 0xFF), UInt8(requestMAC.count & 0xFF)] + requestMAC
        covered += unsigned
        covered += variables(tsig)
        let expected = key.algorithm.mac(secret: key.secret, data: covered)
        guard Self.constantTimeEqual(expected, tsig.mac) else {
            return .invalid("its MAC does not verify with the key \(key)")
        }
        let difference = now > tsig.timeSigned ? now - tsig.timeSigned : tsig.timeSigned - now
        guard difference <= UInt64(tsig.fudge) else {
            return .clockSkew(serverTime: tsig.timeSigned)
        }
        return .verified
    }

    /// The TSIG variables of RFC 8945 §4.3.3: key name and algorithm in canonical (lowercase,
    /// uncompressed) form, class ANY, TTL 0, time, fudge, error and other data.
    private func variables(_ tsig: TSIGData) -> [UInt8] {
        var writer = WireWriter()
        writer.writeName(key.name.lowercased, compress: false)
        writer.writeUInt16(DNSClass.any.rawValue)
        writer.writeUInt32(0)
        writer.writeName(tsig.algorithm.lowercased, compress: false)
        writer.writeUInt48(tsig.timeSigned)
        writer.writeUInt16(tsig.fudge)
        writer.writeUInt16(tsig.error.rawValue)
        writer.writeUInt16(UInt16(clamping: tsig.otherData.count))
        writer.writeBytes(tsig.otherData)
        return writer.bytes
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

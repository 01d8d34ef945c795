@testable import DNS

/// TSIG verification of an answer (RFC 8945 §5.3): checking any bytes never traps, and the
/// same message, signed as a server signs its answer, verifies.
private let requestMAC = [UInt8](repeating: 0xA5, count: 32)
private let now: UInt64 = 1_700_000_000
private let algorithms: [TSIGAlgorithm] = [.hmacSHA256, .hmacSHA512, .hmacSHA384, .hmacSHA224, .hmacSHA1]
private let signers = algorithms.map {
    // Literal, valid labels.
    TSIGSigner(key: TSIGKey(name: DNSName(validatedLabels: [Array("Acme-Key".utf8)]), algorithm: $0, secret: Array(0..<32)))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let signer = signers[size % signers.count]
    _ = try? signer.verify(bytes, requestMAC: requestMAC, now: now)

    guard let message = try? DNSMessage(decoding: bytes), message.tsig == nil,
        !message.additionals.contains(where: { $0.type == .tsig }),
        message.additionals.count < Int(UInt16.max)
    else { return 0 }
    let signed = signAnswer(bytes, with: signer.key, time: now - 10)
    let verdict: TSIGSigner.Verdict
    do {
        verdict = try signer.verify(signed, requestMAC: requestMAC, now: now)
    } catch {
        preconditionFailure("a signed answer does not decode: \(error)")
    }
    precondition(verdict == .verified, "a correctly signed answer gives \(verdict)")
    return 0
}

/// Appends a TSIG record to `answer` as a server does (RFC 8945 §5.3.1): the MAC covers the
/// request's MAC, the answer without TSIG, and the TSIG variables.
private func signAnswer(_ answer: [UInt8], with key: TSIGKey, time: UInt64) -> [UInt8] {
    let id = UInt16(answer[0]) << 8 | UInt16(answer[1])
    var tsig = TSIGData(algorithm: key.algorithm.name, timeSigned: time, fudge: 300, mac: [], originalID: id)
    var variables = WireWriter()
    variables.writeName(key.name.lowercased, compress: false)
    variables.writeUInt16(DNSClass.any.rawValue)
    variables.writeUInt32(0)
    variables.writeName(tsig.algorithm.lowercased, compress: false)
    variables.writeUInt48(tsig.timeSigned)
    variables.writeUInt16(tsig.fudge)
    variables.writeUInt16(tsig.error.rawValue)
    variables.writeUInt16(UInt16(tsig.otherData.count))
    variables.writeBytes(tsig.otherData)
    let covered = [UInt8(requestMAC.count >> 8), UInt8(requestMAC.count & 0xFF)] + requestMAC + answer + variables.bytes
    tsig.mac = key.algorithm.mac(secret: key.secret, data: covered)

    var record = WireWriter()
    // A TSIG record is small and well-formed; writing it cannot fail.
    try! record.writeRecord(DNSRecord(name: key.name, type: .tsig, recordClass: .any, ttl: 0, data: .tsig(tsig)))
    var signed = answer + record.bytes
    let count = (UInt16(answer[10]) << 8 | UInt16(answer[11])) + 1
    signed[10] = UInt8(count >> 8)
    signed[11] = UInt8(count & 0xFF)
    return signed
}

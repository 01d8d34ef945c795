import DNS

/// DNS messages as a server (or anything answering on its address) sends them: decoding never
/// traps or hangs, and a decoded message encodes to bytes that decode to the same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? DNSMessage(decoding: bytes) else { return 0 }
    for record in message.answers + message.authorities + message.additionals {
        _ = record.description
        _ = record.data.text
    }
    _ = message.tsig
    // Encoding can refuse (a TSIG algorithm name that was a 2-byte pointer may not fit once
    // written out), but what it writes must read back.
    guard let encoded = try? message.encoded() else { return 0 }
    let decoded: DNSMessage
    do {
        decoded = try DNSMessage(decoding: encoded)
    } catch {
        preconditionFailure("the re-encoded message does not decode: \(error)")
    }
    precondition(decoded == message, "the re-encoded message decodes differently")
    return 0
}

/// Sends RFC 2136 UPDATE messages to one primary server, signed with TSIG when a key is set,
/// and turns every failure into an error that says what to fix.
package struct RFC2136Updater: Sendable {
    let client: DNSClient
    let server: DNSServerAddress
    let signer: TSIGSigner?
    /// The time requests are signed with and answers checked against (a test moves it).
    var clock: @Sendable () -> UInt64 = TSIGSigner.now

    package init(client: DNSClient, server: DNSServerAddress, signer: TSIGSigner?) {
        self.client = client
        self.server = server
        self.signer = signer
    }

    /// Adds one TXT value, leaving other values of the same name alone (no prerequisites).
    package func addTXT(_ value: String, at name: DNSName, ttl: UInt32, zone: DNSName) async throws {
        let record = DNSRecord(name: name, type: .txt, recordClass: .in, ttl: ttl, data: .txt(value))
        try await send(zone: zone, updates: [record], describing: "the update adding TXT \"\(value)\" at \(name) in zone \(zone)")
    }

    /// Deletes exactly one TXT value (class NONE, RFC 2136 §2.5.4), never the whole RRset.
    package func deleteTXT(_ value: String, at name: DNSName, zone: DNSName) async throws {
        let record = DNSRecord(name: name, type: .txt, recordClass: .none, ttl: 0, data: .txt(value))
        try await send(
            zone: zone,
            updates: [record],
            describing: "the update deleting TXT \"\(value)\" at \(name) in zone \(zone)"
        )
    }

    func send(zone: DNSName, updates: [DNSRecord], describing request: String) async throws {
        let message = DNSMessage(
            header: DNSHeader(opcode: .update),
            questions: [DNSQuestion(name: zone, type: .soa)],
            authorities: updates
        )
        var bytes = try message.encoded()
        var requestMAC: [UInt8]?
        if let signer {
            (bytes, requestMAC) = try signer.sign(bytes, time: clock())
        }
        let answerBytes = try await client.exchange(bytes: bytes, with: server)
        let answer = try DNSClient.decode(answerBytes, from: server)
        if let signer, let requestMAC {
            let verdict = try signer.verify(answerBytes, requestMAC: requestMAC, now: clock())
            switch verdict {
            case .verified:
                break
            case .serverError(let code):
                throw DNSError.updateRejected(code, isTSIG: true, server: server, zone: zone, key: signer.key, request: request)
            case .unsigned where answer.header.responseCode == .refused:
                throw DNSError.unsignedRefusal(server: server, key: signer.key, request: request)
            case .unsigned where answer.header.responseCode != .noError:
                // An unsigned error answer cannot be trusted, but its RCODE is the best hint there is.
                throw DNSError.updateRejected(
                    answer.header.responseCode,
                    isTSIG: false,
                    server: server,
                    zone: zone,
                    key: signer.key,
                    request: request
                )
            case .unsigned, .clockSkew, .invalid:
                throw DNSError.answerSignature(verdict, server: server, request: request)
            }
        }
        guard answer.header.opcode == .update else {
            throw DNSError.badAnswer(server.description, "it answered \(request) with opcode \(answer.header.opcode)")
        }
        let code = answer.header.responseCode
        guard code == .noError else {
            throw DNSError.updateRejected(code, isTSIG: false, server: server, zone: zone, key: signer?.key, request: request)
        }
    }
}

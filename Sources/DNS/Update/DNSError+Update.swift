extension DNSError {
    /// The error for an UPDATE answered with `code` (a header RCODE, or a TSIG error when `isTSIG`).
    static func updateRejected(
        _ code: DNSResponseCode,
        isTSIG: Bool,
        server: DNSServerAddress,
        zone: DNSName,
        key: TSIGKey?,
        request: String
    ) -> DNSError {
        let keyName = key.map { "\($0.name)".dropLastDot } ?? ""
        if isTSIG {
            let hint: String
            switch code {
            case .badSig:
                hint =
                    "the TSIG secret for key \(keyName) does not match the server's: copy the `secret` of the "
                    + "server's `key \"\(keyName)\"` statement into `tsigsecret` (or `tsigsecretfile`)"
            case .badKey:
                hint =
                    "the server does not know a key \(keyName) with algorithm \(key?.algorithm.description ?? "?"): "
                    + "`tsigkey` and `tsigalgorithm` must match a `key` statement on the server (name and algorithm)"
            case .badTime:
                hint = "this machine's clock and the server's differ by more than the 300 s fudge: synchronise both with NTP"
            default:
                hint = "the server refused the TSIG signature made with key \(keyName)"
            }
            return .tsig(server.description, code: code, request: request, hint: hint)
        }
        let hint: String
        switch code {
        case .refused where key != nil:
            hint =
                "the server does not allow key \(keyName) to update zone \(zone): allow it in the zone's configuration, "
                + "e.g. `allow-update { key \"\(keyName)\"; };` (BIND) or an `update-policy` rule granting it TXT records"
        case .refused:
            hint =
                "the server refuses unsigned updates of zone \(zone): set `tsigkey` and `tsigsecret` "
                + "(or `tsigsecretfile`) to a key the zone's `allow-update` or `update-policy` accepts"
        case .notAuth:
            hint =
                "the server is not authoritative for zone \(zone) or does not accept this request for it: point "
                + "`nameserver` at the zone's primary server, or fix `zone`"
        case .notZone:
            hint =
                "the record is not inside zone \(zone): fix `zone` or leave it unset so that the zone is found with SOA queries"
        case .servFail:
            hint =
                "the server could not apply the update: look at its log (for BIND: the zone file's folder must be "
                + "writable by named for the journal)"
        case .notImp:
            hint = "the server does not take RFC 2136 dynamic updates: point `nameserver` at a primary server that does"
        case .formErr:
            hint = "the server could not parse the update; its log says why"
        default:
            hint = ""
        }
        return .rejected(server.description, code: code, request: request, hint: hint)
    }

    /// The error for an unsigned REFUSED to a signed UPDATE.
    ///
    /// A server that cannot verify a request's TSIG should say so in a TSIG record of its answer
    /// (BADKEY, BADSIG; RFC 8945 §5.2), but PowerDNS answers a plain, unsigned REFUSED instead.
    /// A policy refusal of a verified key comes signed, so an unsigned one means the key itself
    /// was not accepted.
    static func unsignedRefusal(server: DNSServerAddress, key: TSIGKey, request: String) -> DNSError {
        let keyName = "\(key.name)".dropLastDot
        let hint =
            "the server refused the update signed with key \(keyName) without signing its answer, which means it could not "
            + "verify the signature: the key name, algorithm (\(key.algorithm.description)) or secret is wrong; `tsigkey`, "
            + "`tsigalgorithm` and `tsigsecret` (or `tsigsecretfile`) must match the server's key exactly (PowerDNS: "
            + "`pdnsutil list-tsig-keys`), and the zone must allow that key to update it (PowerDNS: TSIG-ALLOW-DNSUPDATE)"
        return .rejected(server.description, code: .refused, request: request, hint: hint)
    }

    /// The error for an answer to a signed UPDATE whose own signature does not check out.
    static func answerSignature(_ verdict: TSIGSigner.Verdict, server: DNSServerAddress, request: String) -> DNSError {
        let hint: String
        switch verdict {
        case .unsigned:
            hint = "the answer carries no TSIG signature although the request was signed, so it cannot be trusted"
        case .clockSkew(let serverTime):
            hint =
                "the answer was signed at \(serverTime) (Unix time), more than the 300 s fudge away from this "
                + "machine's clock: synchronise both with NTP"
        case .invalid(let reason):
            hint = "the answer's signature is not valid: \(reason)"
        case .verified, .serverError:
            hint = "unexpected TSIG verdict"
        }
        return .tsig(server.description, code: nil, request: request, hint: hint)
    }
}

extension String {
    /// The text without one trailing dot (`acme-key.` -> `acme-key`), as users write key names.
    fileprivate var dropLastDot: String {
        hasSuffix(".") && count > 1 ? String(dropLast()) : self
    }
}

/// What the operator can do about a problem type, appended to error messages.
enum ProblemAdvice {
    /// One sentence for `problem`, or nil when there is nothing better than the CA's own detail.
    static func advice(for problem: ACMEProblem, challengeType: String? = nil) -> String? {
        switch problem.shortType {
        case "rateLimited":
            "The CA's rate limit was reached: wait until the time it gives before ordering again."
        case "rejectedIdentifier", "unsupportedIdentifier":
            "The CA will not issue for this name: remove it from the configured hosts or use another CA."
        case "caa":
            "A CAA record forbids this CA: add one that allows it (for Let's Encrypt `0 issue \"letsencrypt.org\"`)."
        case "dns":
            "The CA could not resolve the name: check its public A/AAAA (HTTP-01, TLS-ALPN-01) or TXT (DNS-01) records."
        case "connection":
            if challengeType == ChallengeType.dns01.rawValue {
                "The CA could not query the name's DNS servers: check the zone's NS records."
            } else if challengeType == ChallengeType.tlsALPN01.rawValue {
                "The CA could not connect: check that the name points at this server and that port 443 reaches Wharf's TLS listener."
            } else {
                "The CA could not connect: check that the name points at this server and that port 80 reaches Wharf's plain listener."
            }
        case "unauthorized", "incorrectResponse":
            if challengeType == ChallengeType.dns01.rawValue {
                "The TXT record the CA saw was not the expected one: check that _acme-challenge records are published where the CA looks."
            } else if challengeType == ChallengeType.tlsALPN01.rawValue {
                "The CA did not get the validation certificate: check that port 443 reaches Wharf itself, with nothing in front of it ending TLS for this name."
            } else {
                "The CA got a wrong answer: check that nothing in front of Wharf answers /.well-known/acme-challenge/ for this name."
            }
        case "tls":
            "A TLS problem occurred while the CA validated: check redirects and certificates in front of Wharf."
        case "externalAccountRequired":
            "This CA requires External Account Binding: configure the EAB key id and HMAC key from the CA's account page."
        case "unauthorizedAccount", "accountDoesNotExist":
            "The account is not usable: remove the account file from the state folder to register a new one."
        case "userActionRequired":
            "The CA needs you to act (for example accept new terms): visit \(problem.instance ?? "the CA's website")."
        case "invalidContact", "unsupportedContact":
            "The CA refused the contact address: check the configured email."
        case "badCSR", "badPublicKey":
            "The CA refused the certificate request: try keytype ecdsa-p256."
        case "serverInternal":
            "The CA had an internal error: try again later."
        case "badNonce":
            "The CA kept rejecting replay nonces: try again."
        default:
            nil
        }
    }
}

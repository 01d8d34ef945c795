import Logging

extension ACMEClient {
    /// Orders a certificate for `hosts` and returns it with its new private key.
    ///
    /// The account is taken from the state folder, found again by its key, or registered.
    /// Authorizations the CA still holds as valid are reused; each pending one is solved with
    /// `solver`. A failure deactivates the order's unfinished authorizations and removes every
    /// published proof.
    ///
    /// - Parameters:
    ///   - hosts: DNS names (`*.` allowed with a DNS-01 solver) and IP addresses; the first is the CN.
    ///   - keyType: the certificate's key (a fresh one per order).
    ///   - solver: answers the challenges; its ``ChallengeSolver/challengeType`` picks the challenge.
    ///   - preferredChain: the issuer common name of the topmost certificate of the chain to prefer
    ///     among the alternates the CA offers (`ISRG Root X1`); the CA's default otherwise.
    ///   - replaces: the ARI certificate identifier of the certificate this one renews; sent only
    ///     when the CA offers renewal information.
    ///   - profile: a certificate profile the CA advertises; ignored (with a warning) by a CA
    ///     that has no profiles.
    /// - Throws: ``ACMEError`` naming the host and quoting the CA's detail; ``ACMEError/retryAfter``
    ///   says when to try again after a rate limit.
    public func obtainCertificate(
        hosts: [String],
        keyType: KeyType = .ecdsaP256,
        solver: any ChallengeSolver,
        preferredChain: String? = nil,
        replaces: String? = nil,
        profile: String? = nil
    ) async throws -> IssuedCertificate {
        let identifiers = try Self.identifiers(for: hosts)
        let started = ContinuousClock.now
        let key = try CertificateKey(type: keyType)
        let csr = try CertificateRequestBuilder.csr(for: identifiers, key: key)
        let order = OrderParameters(
            identifiers: identifiers,
            key: key,
            csr: csr,
            solver: solver,
            preferredChain: preferredChain,
            replaces: replaces,
            profile: profile,
            deadline: started + timeout
        )
        logger.info("ordering a certificate", metadata: ["hosts": "\(identifiers.map(\.value))", "keytype": "\(keyType)"])
        let certificate = try await withConnection { connection in
            let account = try await account(on: connection)
            do {
                return try await run(order, account: account, connection: connection)
            } catch let error as ACMEError where error.kind == .accountDoesNotExist && account.fromStore {
                logger.notice("the CA does not know the stored account any more; looking it up again", metadata: ["account": "\(account.url)"])
                try await accountStore.removeAccount()
                return try await run(order, account: try await self.account(on: connection), connection: connection)
            }
        }
        logger.info("certificate issued", metadata: [
            "hosts": "\(certificate.hosts)",
            "serial": "\(certificate.serial)",
            "notAfter": "\(certificate.notAfter)",
            "took": "\(ContinuousClock.now - started)",
        ])
        return certificate
    }

    /// Everything one order needs besides the connection and the account.
    struct OrderParameters: Sendable {
        let identifiers: [ACMEIdentifier]
        let key: CertificateKey
        let csr: [UInt8]
        let solver: any ChallengeSolver
        let preferredChain: String?
        let replaces: String?
        let profile: String?
        let deadline: ContinuousClock.Instant

        var names: String { identifiers.map(\.value).joined(separator: ", ") }
    }

    /// The identifiers for `hosts`, validated, in order, without duplicates.
    static func identifiers(for hosts: [String]) throws(ACMEError) -> [ACMEIdentifier] {
        var identifiers: [ACMEIdentifier] = []
        for host in hosts {
            let identifier = try ACMEIdentifier(host: host)
            if !identifiers.contains(identifier) {
                identifiers.append(identifier)
            }
        }
        guard !identifiers.isEmpty else {
            throw .invalidConfiguration("the host list", reason: "is empty; name at least one host to obtain a certificate for")
        }
        return identifiers
    }

    /// The `newOrder` payload: `replaces` only for a CA with ARI, `profile` only for one with profiles.
    func newOrderRequest(_ order: OrderParameters, directory: ACMEDirectory) throws(ACMEError) -> NewOrderRequest {
        var request = NewOrderRequest(identifiers: order.identifiers)
        if directory.offersRenewalInfo, let replaces = order.replaces {
            request.replaces = replaces
            logger.info("the order replaces an earlier certificate", metadata: ["replaces": "\(replaces)"])
        }
        if let profile = order.profile {
            switch directory.support(forProfile: profile) {
            case .offered:
                request.profile = profile
            case .noProfiles:
                logger.warning("the CA offers no certificate profiles; ordering without one", metadata: ["profile": "\(profile)"])
            case .notOffered(let offered):
                throw .invalidConfiguration("profile \(String(reflecting: profile))", reason: "is not offered by \(directoryURL); choose one of \(offered.joined(separator: ", "))")
            }
        }
        return request
    }
}

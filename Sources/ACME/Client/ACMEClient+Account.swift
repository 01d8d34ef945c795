import Logging

extension ACMEClient {
    /// The account to sign with: its key and URL.
    struct Account: Sendable {
        let key: AccountKey
        let url: String
        /// Whether the URL came from the state folder without asking the CA (so the CA may
        /// have forgotten it: a reset test CA, a deactivated account).
        let fromStore: Bool

        var signer: RequestSigner { .account(key, url: url) }
    }

    /// The stored account; else the account the stored key already has at this CA
    /// (`onlyReturnExisting`); else a new account. Key and URL are stored before returning.
    func account(on connection: ACMEConnection) async throws -> Account {
        let storedKey = try await accountStore.loadAccountKey()
        let keyIsNew = storedKey == nil
        let key = storedKey ?? AccountKey()
        if keyIsNew {
            // Stored before the CA sees it: no account is ever created for a key we could lose.
            try await accountStore.saveAccountKey(key)
        }
        if let stored = try await accountStore.loadAccount(), stored.directoryURL == directoryURL {
            return Account(key: key, url: stored.accountURL, fromStore: true)
        }
        let directory = try await connection.directory()
        if !keyIsNew, let url = try await lookUpAccount(key: key, directory: directory, connection: connection) {
            logger.info("found the existing ACME account for the stored key", metadata: ["account": "\(url)"])
            try await accountStore.saveAccount(StoredAccount(directoryURL: directoryURL, accountURL: url))
            return Account(key: key, url: url, fromStore: false)
        }
        let url = try await registerAccount(key: key, directory: directory, connection: connection)
        logger.info("registered an ACME account", metadata: ["account": "\(url)", "directory": "\(directoryURL)"])
        try await accountStore.saveAccount(StoredAccount(directoryURL: directoryURL, accountURL: url))
        return Account(key: key, url: url, fromStore: false)
    }

    /// The URL of the account `key` already has, or nil when the CA knows none.
    private func lookUpAccount(key: AccountKey, directory: ACMEDirectory, connection: ACMEConnection) async throws -> String? {
        let payload = try ACMEJSON.encode(NewAccountRequest(onlyReturnExisting: true))
        do {
            let response = try await connection.post(directory.newAccount, payload: payload, signer: .key(key.signingKey), action: "the account lookup")
            guard let url = response.location else {
                throw ACMEError.unexpectedResponse(directory.newAccount, action: "the account lookup", reason: "no Location header names the account")
            }
            return url
        } catch let error as ACMEError where error.kind == .accountDoesNotExist {
            return nil
        }
    }

    /// Creates an account for `key`, agreeing to the terms of service.
    private func registerAccount(key: AccountKey, directory: ACMEDirectory, connection: ACMEConnection) async throws -> String {
        if directory.requiresExternalAccountBinding, eab == nil {
            throw ACMEError.invalidConfiguration(
                "the ACME server at \(directoryURL)",
                reason: "requires External Account Binding: configure the EAB key id and HMAC key from the CA's account page"
            )
        }
        var request = NewAccountRequest(termsOfServiceAgreed: true)
        if let email, !email.isEmpty {
            request.contact = ["mailto:\(email)"]
        }
        if let eab {
            request.externalAccountBinding = try eab.binding(for: key.jwk, url: directory.newAccount)
        }
        let response = try await connection.post(
            directory.newAccount,
            payload: try ACMEJSON.encode(request),
            signer: .key(key.signingKey),
            action: "the account registration"
        )
        guard let url = response.location else {
            throw ACMEError.unexpectedResponse(directory.newAccount, action: "the account registration", reason: "no Location header names the account")
        }
        return url
    }
}

extension ACMEClient {
    /// Asks the CA when to renew the certificate `id` (RFC 9773): an unauthenticated
    /// `GET {renewalInfo}/{id}`.
    ///
    /// - Returns: the window and `Retry-After`; nil when the CA's directory has no `renewalInfo`.
    /// - Throws: ``ACMEError`` when the CA cannot be reached, answers other than 200, or sends
    ///   JSON that is not a RenewalInfo object (bad dates included).
    public func renewalInfo(for id: ARICertificateID) async throws -> RenewalInfoAnswer? {
        try await withConnection { connection in
            guard let endpoint = try await connection.directory().renewalInfo else { return nil }
            let url = (endpoint.hasSuffix("/") ? endpoint : endpoint + "/") + id.value
            let action = "the renewalInfo request"
            let response = try await connection.get(url, action: action)
            guard response.status == 200 else {
                throw ACMEError.httpStatus(url, action: action, status: response.status, body: response.excerpt, retryAfter: response.retryAfter)
            }
            return RenewalInfoAnswer(info: try response.decode(RenewalInfo.self, action: action), retryAfter: response.retryAfter)
        }
    }
}

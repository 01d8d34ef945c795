import Foundation

extension SigV4Signer {
    /// The query of a presigned URL for `method` on `path` at `host`, valid for `expires`
    /// seconds from `date`: `X-Amz-*` parameters with the signature last. Only `host` is signed,
    /// and the payload is `UNSIGNED-PAYLOAD`, as S3 requires for query signing.
    ///
    ///     let query = signer.presignedQuery(method: "GET", host: "bucket.s3.amazonaws.com", path: "/key", expires: 600, date: Date())
    public func presignedQuery(
        method: String,
        host: String,
        path: String,
        expires: Int,
        date: Date
    ) -> String {
        var parameters: [(name: String, value: String)] = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256")]
        parameters.append(("X-Amz-Credential", "\(credentials.accessKey)/\(scope(date))"))
        parameters.append(("X-Amz-Date", Self.timestamp(date)))
        parameters.append(("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        parameters.append(("X-Amz-SignedHeaders", "host"))
        let request = Request(method: method, path: path, query: parameters, headers: [("host", host)], payloadHash: Self.unsignedPayload)
        let (_, signature) = sign(request, date: date)
        return Self.canonicalQuery(parameters) + "&X-Amz-Signature=" + signature
    }
}

extension JSONWebKey: Encodable {
    private enum CodingKeys: String, CodingKey {
        case crv, e, kty, n, x, y
    }

    /// Writes the required members; with `.sortedKeys` the output equals ``canonicalJSON``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .ec(let curve, let x, let y):
            try container.encode(curve, forKey: .crv)
            try container.encode("EC", forKey: .kty)
            try container.encode(x, forKey: .x)
            try container.encode(y, forKey: .y)
        case .rsa(let n, let e):
            try container.encode(e, forKey: .e)
            try container.encode("RSA", forKey: .kty)
            try container.encode(n, forKey: .n)
        }
    }
}

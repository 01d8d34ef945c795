import X509

extension Certificate {
    /// The serial number in upper-case hex without separators or leading zero bytes, as
    /// `openssl x509 -noout -serial` prints it (`serial=` aside).
    public var serialNumberHex: String {
        HexText.encode(serialNumber.bytes.drop { $0 == 0 }, uppercase: true)
    }
}

extension DistinguishedName {
    /// The first common name (`CN`), when there is one.
    public var commonName: String? {
        for relativeName in self {
            for attribute in relativeName where attribute.type == .RDNAttributeType.commonName {
                return String(attribute.value) ?? attribute.value.description
            }
        }
        return nil
    }
}

/// Bytes as hex digits, two per byte; `00` for no bytes, as openssl prints an all-zero serial.
public enum HexText {
    /// `bytes` as hex, upper- or lower-case.
    public static func encode(_ bytes: some Sequence<UInt8>, uppercase: Bool) -> String {
        let text = bytes.map { byte in
            let digits = String(byte, radix: 16, uppercase: uppercase)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        return text.isEmpty ? "00" : text
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts IP addresses between their text form and the 4 or 16 bytes a certificate carries.
enum IPAddressText {
    /// The 4 (IPv4) or 16 (IPv6) bytes of `text`, or nil when it is not an IP address.
    /// Brackets around an IPv6 address (`[::1]`) are accepted.
    static func parse(_ text: String) -> [UInt8]? {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = String(text.dropFirst().dropLast())
        }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The canonical text of 4 or 16 address bytes (`127.0.0.1`, `::1`), or nil for any other length.
    static func format<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String? {
        let bytes = Array(bytes)
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var output = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let converted = bytes.withUnsafeBytes { source in
            output.withUnsafeMutableBufferPointer { target in
                inet_ntop(family, source.baseAddress, target.baseAddress, socklen_t(target.count))
            }
        }
        guard converted != nil else { return nil }
        return output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}

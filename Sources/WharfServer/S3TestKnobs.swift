import Foundation

/// For tests only, not configuration: environment variables that shorten the bucket's
/// fetch leases (`WHARF_TEST_S3_LEASE_SECONDS`, 15 otherwise) and the age after which a
/// multipart upload counts as abandoned (`WHARF_TEST_S3_ABANDONED_UPLOAD_SECONDS`, a day
/// otherwise), so that a test of a killed instance need not wait for them.
struct S3TestKnobs {
    let leaseDuration: Double?
    let abandonedUploadAge: TimeInterval?

    init(_ environment: [String: String]) {
        leaseDuration = environment["WHARF_TEST_S3_LEASE_SECONDS"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
        abandonedUploadAge = environment["WHARF_TEST_S3_ABANDONED_UPLOAD_SECONDS"].flatMap(TimeInterval.init).flatMap { $0 >= 0 ? $0 : nil }
    }
}

import NIOHTTP1
import Testing

@testable import ACME

@Suite("Link headers")
struct LinkHeaderTests {
    @Test("alternate chains from several fields and from one field listing several links")
    func alternates() {
        var headers = HTTPHeaders()
        headers.add(name: "Link", value: #"<https://ca.test/dir>;rel="index""#)
        headers.add(name: "Link", value: #"<https://ca.test/cert/1/1>;rel="alternate", <https://ca.test/cert/1/2>; rel=alternate"#)
        headers.add(name: "Link", value: #"<https://ca.test/issuer>;rel="up""#)
        #expect(LinkHeader.targets(rel: "alternate", in: headers) == ["https://ca.test/cert/1/1", "https://ca.test/cert/1/2"])
        #expect(LinkHeader.targets(rel: "up", in: headers) == ["https://ca.test/issuer"])
        #expect(LinkHeader.targets(rel: "index", in: headers) == ["https://ca.test/dir"])
    }
}

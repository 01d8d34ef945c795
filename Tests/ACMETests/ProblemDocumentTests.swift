import Testing

@testable import ACME

@Suite("problem documents")
struct ProblemDocumentTests {
    static let compound = #"""
    {
      "type": "urn:ietf:params:acme:error:rejectedIdentifier",
      "detail": "Error creating new order :: Cannot issue for 2 identifiers",
      "status": 400,
      "subproblems": [
        {
          "type": "urn:ietf:params:acme:error:rejectedIdentifier",
          "detail": "Domain name contains an invalid character",
          "identifier": {"type": "dns", "value": "bad_name.example.test"}
        },
        {
          "type": "urn:ietf:params:acme:error:caa",
          "detail": "CAA record for www.example.test prevents issuance",
          "identifier": {"type": "dns", "value": "www.example.test"}
        }
      ]
    }
    """#

    @Test("parses type, detail, status and subproblems with their identifiers")
    func parsesSubproblems() throws {
        let problem = try #require(ACMEProblem.parse(Array(Self.compound.utf8)))
        #expect(problem.shortType == "rejectedIdentifier")
        #expect(problem.status == 400)
        #expect(problem.subproblems.count == 2)
        #expect(problem.subproblems[0].identifier == ACMEIdentifier(type: "dns", value: "bad_name.example.test"))
        #expect(problem.subproblems[1].shortType == "caa")
        #expect(problem.description.contains("www.example.test: CAA record for www.example.test prevents issuance (caa)"))
    }

    @Test("the error names the identifiers, quotes the CA and says what to do")
    func errorMessage() throws {
        let problem = try #require(ACMEProblem.parse(Array(Self.compound.utf8)))
        let error = ACMEError.server("https://ca.test/new-order", action: "the order for bad_name.example.test", problem: problem, retryAfter: nil)
        #expect(error.kind == .rejected)
        #expect(error.identifier == "bad_name.example.test")
        #expect(error.description.contains("bad_name.example.test: Domain name contains an invalid character"))
        #expect(error.description.contains("remove it from the configured hosts"))
        #expect(error.problem == problem)
    }

    @Test("rateLimited becomes its own kind and carries Retry-After")
    func rateLimited() throws {
        let body = #"{"type":"urn:ietf:params:acme:error:rateLimited","detail":"too many certificates (5) already issued for this exact set of identifiers","status":429}"#
        let problem = try #require(ACMEProblem.parse(Array(body.utf8)))
        let error = ACMEError.server("https://ca.test/new-order", action: "the order", problem: problem, retryAfter: .seconds(3600))
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == .seconds(3600))
        #expect(error.description.contains("retry after 3600 s"))
    }

    @Test("a validation failure names the host and the validator's message")
    func validationFailure() {
        let problem = ACMEProblem(
            type: "urn:ietf:params:acme:error:connection",
            detail: "127.0.0.1: Fetching http://mirror.example.test:5002/.well-known/acme-challenge/x: Connection refused",
            status: 400
        )
        let error = ACMEError.validationFailed("mirror.example.test", challengeType: "http-01", problem: problem)
        #expect(error.kind == .validationFailed)
        #expect(error.identifier == "mirror.example.test")
        #expect(error.description.contains("could not validate mirror.example.test with http-01"))
        #expect(error.description.contains("Connection refused"))
        #expect(error.description.contains("port 80 reaches Wharf"))
        for type in ["connection", "unauthorized"] {
            let alpn = ACMEError.validationFailed(
                "127.0.0.1", challengeType: "tls-alpn-01", problem: ACMEProblem(type: "urn:ietf:params:acme:error:\(type)", detail: "refused", status: 400))
            #expect(alpn.description.contains("with tls-alpn-01: refused (\(type))"), "\(alpn)")
            #expect(alpn.description.contains("port 443") && !alpn.description.contains("port 80"), "TLS-ALPN-01 advice: \(alpn)")
        }
    }

    @Test("a body that is not JSON is no problem document")
    func notAProblem() {
        #expect(ACMEProblem.parse(Array("<html>502 Bad Gateway</html>".utf8)) == nil)
    }
}

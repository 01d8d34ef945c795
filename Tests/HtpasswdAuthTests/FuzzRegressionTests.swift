import Foundation
import Testing

@testable import HtpasswdAuth

/// Inputs found while fuzzing htpasswd parsing (Fuzz/Sources/FuzzHtpasswd).
@Suite("htpasswd inputs from fuzzing")
struct FuzzRegressionTests {
    /// In Swift a colon followed by a combining mark is one `Character` that is not ":", so the
    /// user used to run on to a later colon and held a colon byte; the Basic header, like Apache
    /// and distribution, splits at the first colon byte, and such a user could never sign in.
    @Test("the user ends at the first colon byte, even one a combining mark follows")
    func colonBeforeCombiningMark() {
        let line = HtpasswdLine("bob:\u{301}x:$2y$05$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234")
        #expect(line == .entry(user: "bob", hash: "\u{301}x:$2y$05$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234"))
        let header = "Basic " + Data("bob:\u{301}x:pw".utf8).base64EncodedString()
        #expect(BasicCredentials(authorization: header)?.user == line.user)
    }

    @Test("a user name holding such a colon is refused by wharf htpasswd add")
    func editorRefusesColonBeforeCombiningMark() {
        let error = #expect(throws: HtpasswdError.self) { try HtpasswdEditor.validate(user: "bob:\u{301}x", file: "/tmp/htpasswd") }
        #expect(error?.kind == .invalidUser)
    }
}

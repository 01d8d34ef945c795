/// Splitting htpasswd text into lines.
///
/// In Swift a CRLF is one `Character`, so splitting on `"\n"` alone would leave CRLF files in one piece.
enum HtpasswdText {
    /// The lines of `text`, split at LF and CRLF; a final line break yields a last, empty line.
    static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// `"\r\n"` when the first line break of `text` is a CRLF, else `"\n"`.
    static func lineBreak(of text: String) -> String {
        text.first(where: { $0 == "\n" || $0 == "\r\n" }) == "\r\n" ? "\r\n" : "\n"
    }
}

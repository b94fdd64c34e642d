import Testing

@testable import Ledger

@Suite("EmailAddress")
struct EmailAddressTests {
    @Test("plausible addresses", arguments: [
        "a@b.be", "debiteuren@example.be", "first.last+dunning@mail.example.co.uk", "INFO@EXAMPLE.BE",
        "o'neil@example.ie", "x_y-z@sub-domain.example.com", "jürgen@müller.de", "1234@123.be",
    ])
    func valid(text: String) throws {
        let address = try #require(EmailAddress(text))
        #expect(address.value == text)
        #expect(address.description == text)
    }

    @Test("unusable addresses", arguments: [
        "", "plain", "@example.be", "user@", "user@example", "user@@example.be", "a@b@example.be",
        "user@.example.be", "user@example.be.", "user@exa..mple.be", "us..er@example.be", "user @example.be",
        " user@example.be", "user@example.be ", "user@exam ple.be", "\"user\"@example.be", "<user@example.be>",
        "user@example.be,other@example.be", "user@example.be;other@example.be",
        "user@example.be\r\nBcc: victim@example.be", "user@example.be\n", "user\t@example.be",
        "user@example.be\u{7F}", "user\u{0}@example.be", ".user@example.be", "user.@example.be",
        "user@example.be\u{85}Bcc: x@y.be", "user@example.be\u{2028}", "user\u{A0}@example.be",
        "user@example.be\u{200B}",
    ])
    func invalid(text: String) {
        #expect(EmailAddress(text) == nil)
    }

    @Test("at most 254 bytes")
    func length() {
        let domain = "@example.be"
        let local = String(repeating: "a", count: 254 - domain.utf8.count)
        // The local part of such a long address exceeds the 64-byte limit, so use labels instead.
        #expect(EmailAddress(local + domain) == nil)
        let labels = Array(repeating: String(repeating: "d", count: 60), count: 4).joined(separator: ".")
        let longest = "ab@" + labels + ".b" + String(repeating: "e", count: 254 - 3 - labels.utf8.count - 2)
        #expect(longest.utf8.count == 254)
        #expect(EmailAddress(longest) != nil)
        #expect(EmailAddress("a" + longest) == nil)
    }

    @Test("local part of at most 64 bytes")
    func localPart() {
        #expect(EmailAddress(String(repeating: "a", count: 64) + "@example.be") != nil)
        #expect(EmailAddress(String(repeating: "a", count: 65) + "@example.be") == nil)
    }

    @Test("substrings are accepted")
    func substring() {
        let header = "To: ops@example.be"
        #expect(EmailAddress(header.dropFirst(4))?.value == "ops@example.be")
    }
}

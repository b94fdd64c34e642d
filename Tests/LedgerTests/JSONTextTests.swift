import Ledger
import Testing

@Suite("JSON text")
struct JSONTextTests {
    @Test("strings are escaped, control characters as \\u")
    func quoting() {
        #expect(JSONText.quoted("Zoë \"Façade\"\n\\") == #""Zoë \"Façade\"\n\\""#)
        #expect(JSONText.quoted("a\u{01}b") == #""a\u0001b""#)
    }

    @Test("objects have sorted keys and null for nil")
    func objects() {
        #expect(JSONText.object(["b": "2", "a": nil]) == #"{"a":null,"b":"2"}"#)
    }
}

import Foundation
import Ledger
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("strings are escaped: quote, backslash, \\n \\r \\t by name, other controls as \\u00XX, the rest as is")
    func escaping() {
        #expect(JSONWriter.quoted("Zoë \"Façade\"\n\\") == #""Zoë \"Façade\"\n\\""#)
        #expect(JSONWriter.quoted("a\u{01}b") == #""a\u0001b""#)
        #expect(JSONWriter.quoted("\u{00}\u{0f}\u{10}\u{1f}\r\t") == #""\u0000\u000f\u0010\u001f\r\t""#)
        #expect(JSONWriter.quoted("\u{7f} é € 😀 /") == "\"\u{7f} é € 😀 /\"")
        #expect(JSONWriter.quoted("") == #""""#)
        #expect(JSONWriter.quoted("plain text, 12.50 EUR") == #""plain text, 12.50 EUR""#)
    }

    @Test("every string read back by JSONSerialization is the string written")
    func roundTrip() throws {
        let samples = ["", "a\"b", "back\\slash", "\u{00}\u{1b}[0m", "line\nbreak\r\n", "Zoë 😀", "\u{2028}\u{2029}", "\t\u{7f}"]
        var w = JSONWriter()
        w.array(samples)
        let back = try JSONSerialization.jsonObject(with: Data(w.text.utf8)) as? [String]
        #expect(back == samples)
    }

    @Test("keys stay in the order written; sortedKeys sorts them; nil is null")
    func keyOrder() {
        var w = JSONWriter()
        w.beginObject()
        w.field("z", "1")
        w.field("a", 2)
        w.field("m", nil)
        w.endObject()
        #expect(w.text == #"{"z":"1","a":2,"m":null}"#)
        #expect(JSONWriter.object(sortedKeys: ["b": "2", "a": nil, "B": "x"]) == #"{"B":"x","a":null,"b":"2"}"#)
        #expect(JSONWriter.object([("b", "2"), ("a", nil)]) == #"{"b":"2","a":null}"#)
    }

    @Test("nesting: commas placed in arrays and objects at every depth, empty containers")
    func nesting() {
        var w = JSONWriter()
        w.beginObject()
        w.key("list")
        w.beginArray()
        w.integer(1)
        w.integer(Int64(-2))
        w.decimal("3.50")
        w.bool(true)
        w.bool(false)
        w.null()
        w.beginObject()
        w.endObject()
        w.beginArray()
        w.endArray()
        w.beginArray()
        w.beginObject()
        w.field("k", decimal: "0.1")
        w.field("n", Int64(9))
        w.field("b", false)
        w.endObject()
        w.endArray()
        w.endArray()
        w.field("after", "x")
        w.endObject()
        #expect(w.text == #"{"list":[1,-2,3.50,true,false,null,{},[],[{"k":0.1,"n":9,"b":false}]],"after":"x"}"#)
    }

    @Test("layouts put line breaks only between tokens")
    func layouts() {
        func written(_ layout: JSONWriter.Layout, _ items: [String]) -> String {
            var w = JSONWriter()
            w.beginArray(layout)
            for i in items { w.string(i) }
            w.endArray()
            return w.text
        }
        #expect(written(.compact, ["a", "b"]) == #"["a","b"]"#)
        #expect(written(.linePerItem, ["a", "b"]) == "[\"a\",\n\"b\"]")
        #expect(written(.lineBeforeItem, ["a", "b"]) == "[\n\"a\",\n\"b\"]")
        #expect(written(.block, ["a", "b"]) == "[\n\"a\",\n\"b\"\n]")
        #expect(written(.block, []) == "[]")
        #expect(written(.linePerItem, []) == "[]")
        var w = JSONWriter()
        w.beginObject(.linePerItem)
        w.field("a", 1)
        w.field("b", 2)
        w.endObject()
        #expect(w.text == "{\"a\":1,\n\"b\":2}")
    }

    @Test("take() hands over the text so far and the writer keeps its place")
    func chunks() {
        var w = JSONWriter()
        var out = ""
        w.beginArray(.block)
        w.integer(1)
        out += w.take()
        #expect(w.text.isEmpty)
        w.integer(2)
        w.endArray()
        w.newline()
        out += w.take()
        #expect(out == "[\n1,\n2\n]\n")
    }
}

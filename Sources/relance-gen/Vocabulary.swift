/// A debtor's correspondence language, as written in `debtors.csv`.
enum Language: UInt8, CaseIterable {
    case nl = 0
    case fr = 1
    case en = 2
    case de = 3

    /// The column value.
    var code: [UInt8] { Vocabulary.languageCodes[Int(rawValue)] }

    /// nl 55 %, fr 35 %, en 8 %, de 2 %.
    static func draw(_ rng: inout Xoshiro) -> Language {
        let u = rng.below(100)
        return u < 55 ? .nl : (u < 90 ? .fr : (u < 98 ? .en : .de))
    }
}

/// A piece of display text (UTF-8, may hold diacritics) with its ASCII slug for e-mail addresses.
struct Word: Sendable {
    /// The UTF-8 bytes as written in the CSV (before any RFC 4180 quoting).
    let text: [UInt8]
    /// Lower-case ASCII letters and digits only: `Łukasz Wiśniewski` → `lukaszwisniewski`.
    let slug: [UInt8]

    /// A word from its display text.
    init(_ text: String) {
        self.text = Array(text.utf8)
        self.slug = Word.slug(text)
    }

    /// Folds diacritics and drops everything that is not an ASCII letter or digit.
    static func slug(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        for ch in text.lowercased() {
            let folded = Word.folding[ch].map(String.init) ?? String(ch)
            for b in folded.utf8 where (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) {
                out.append(b)
            }
        }
        return out
    }

    /// Letters outside ASCII that appear in the vocabulary, with their ASCII spelling.
    private static let folding: [Character: Substring] = {
        let pairs: [(String, String)] = [
            ("àáâäãåąă", "a"), ("çćč", "c"), ("èéêëęě", "e"), ("ìíîïı", "i"), ("ł", "l"),
            ("ñńň", "n"), ("òóôöõøő", "o"), ("ùúûüů", "u"), ("ýÿ", "y"), ("śşšș", "s"),
            ("źżž", "z"), ("ğ", "g"), ("ř", "r"), ("ťț", "t"), ("ď", "d"),
        ]
        var map: [Character: Substring] = ["ß": "ss", "æ": "ae", "œ": "oe"]
        for (letters, ascii) in pairs {
            for ch in letters { map[ch] = Substring(ascii) }
        }
        return map
    }()
}

/// Every fixed text the generator draws from, encoded to bytes once at start-up.
enum Vocabulary {
    /// `nl`, `fr`, `en`, `de`, indexed by ``Language/rawValue``.
    static let languageCodes: [[UInt8]] = ["nl", "fr", "en", "de"].map { Array($0.utf8) }

    /// Words from a list of strings.
    static func words(_ list: [String]) -> [Word] { list.map(Word.init) }

    /// Bytes from a list of strings.
    static func bytes(_ list: [String]) -> [[UInt8]] { list.map { Array($0.utf8) } }

    /// A field as it appears in the CSV: quoted per RFC 4180 when it holds a comma, quote or newline.
    static func csvField(_ text: String) -> [UInt8] {
        let raw = Array(text.utf8)
        guard raw.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return raw }
        var out: [UInt8] = [0x22]
        for b in raw {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
        return out
    }
}

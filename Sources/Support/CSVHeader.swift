/// Folds a header name for comparison: lower case, accents removed, runs of anything but
/// letters and digits turned into one `_`, trimmed (`Numéro de facture` → `numero_de_facture`).
package func foldHeader(_ s: String) -> String {
    var out = ""
    var pendingUnderscore = false
    for ch in s.lowercased().unicodeScalars {
        let base: Character?
        switch ch {
        case "à", "á", "â", "ä", "ã", "å": base = "a"
        case "é", "è", "ê", "ë": base = "e"
        case "î", "ï", "í", "ì": base = "i"
        case "ô", "ö", "ó", "ò", "õ": base = "o"
        case "û", "ü", "ú", "ù": base = "u"
        case "ç": base = "c"
        case "ñ": base = "n"
        default:
            if (ch.value >= 0x61 && ch.value <= 0x7A) || (ch.value >= 0x30 && ch.value <= 0x39) {
                base = Character(ch)
            } else {
                base = nil
            }
        }
        if let b = base {
            if pendingUnderscore && !out.isEmpty { out.append("_") }
            pendingUnderscore = false
            out.append(b)
        } else {
            pendingUnderscore = true
        }
    }
    return out
}

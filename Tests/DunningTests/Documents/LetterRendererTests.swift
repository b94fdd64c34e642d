import Dunning
import Letters
import Foundation
import Testing

/// Real PDFs read back with poppler and zbar: text, fonts, pages, the QR code, the window.
@Suite("Letter PDFs", .enabled(if: PDFTools.available, PDFTools.missing))
struct LetterRendererTests {
    @Test func textHasNamesAmountsAndStructuredCommunication() throws {
        let scratch = try Scratch("text")
        let pdf = try scratch.write(LetterRenderer.pdf(LetterFixtures.reminder()), to: "reminder.pdf")
        let text = try PDFTools.text("pdftotext", ["-layout", pdf, "-"])
        for expected in [
            "Wiśniewski & Yılmaz BV", "t.a.v. Łukasz Wiśniewski", "Şükrü Yılmaz", "Ğülay Doğan", "Zoë Façade",
            "€ 1.234,56", "€ 2.450,75", "€ 27,43", "€ 4.192,74", "+++123/4567/89002+++", "BE68 5390 0754 7034",
            "Tweede herinnering: openstaande facturen", "Gent, 21 november 2026", "Onze referentie: D000123",
            "Pagina 1 van 1", "Ondernemingsnummer BE 0403.170.701",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        let info = try PDFTools.text("pdfinfo", [pdf])
        #expect(info.contains("Pages:           1"))
        #expect(info.contains("595.28 x 841.89 pts (A4)"))
    }

    @Test func everyFontIsEmbedded() throws {
        let scratch = try Scratch("fonts")
        let pdf = try scratch.write(LetterRenderer.pdf(LetterFixtures.longReminder(count: 60)), to: "long.pdf")
        let lines = try PDFTools.text("pdffonts", [pdf]).split(separator: "\n").dropFirst(2)
        #expect(!lines.isEmpty)
        for line in lines {
            // name, type (one or two words), encoding, then emb sub uni as yes/no.
            let fields = line.split(separator: " ")
            let flags = fields.suffix(5).prefix(3)
            #expect(flags.first == "yes", "not embedded: \(line)")
            #expect(line.contains("DejaVuSans"), "unexpected font: \(line)")
        }
    }

    @Test func longTableRunsOverPagesWithItsHeaderOnEach() throws {
        let scratch = try Scratch("long")
        let pdf = try scratch.write(LetterRenderer.pdf(LetterFixtures.longReminder(count: 60)), to: "long.pdf")
        let info = try PDFTools.text("pdfinfo", [pdf])
        let pages = try #require(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") })
        #expect(pages >= 2)
        var all = ""
        for page in 1...pages {
            let text = try PDFTools.text("pdftotext", ["-layout", "-f", "\(page)", "-l", "\(page)", pdf, "-"])
            #expect(text.contains("Pagina \(page) van \(pages)"))
            if text.contains("F-2026-") {
                #expect(text.contains("Factuur") && text.contains("Openstaand") && text.contains("Dagen te laat"),
                        "page \(page) has rows but no header")
            }
            all += text
        }
        for i in 1...60 {
            #expect(all.components(separatedBy: "F-2026-\(i + 1000) ").count == 2, "row \(i) printed once")
        }
        #expect(all.contains("Totaal te betalen") && all.contains("+++123/4567/89002+++"))
    }

    @Test func qrCodeOnPageOneDecodesToThePayload() throws {
        let scratch = try Scratch("qr")
        let pdf = try scratch.write(LetterRenderer.pdf(LetterFixtures.reminder()), to: "reminder.pdf")
        _ = try PDFTools.run("pdftoppm", ["-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, scratch.path("page1")])
        let decoded = try PDFTools.run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", scratch.path("page1.png")])
        #expect(decoded == Data((try LetterFixtures.payload() + "\n").utf8))
    }

    @Test func qrCodeWithNonASCIINameDecodesByteForByte() throws {
        var letter = try LetterFixtures.reminder()
        let payload = try EPCPayload.make(name: "Zoë Façade – Łódź Ğıda", iban: .init(parsing: LetterFixtures.iban), bic: nil,
                                          amount: .eur(cents: 419_274), reference: LetterFixtures.ogm, text: nil)
        letter.payment?.qrPayload = payload
        let scratch = try Scratch("qr-utf8")
        let pdf = try scratch.write(LetterRenderer.pdf(letter), to: "letter.pdf")
        _ = try PDFTools.run("pdftoppm", ["-r", "200", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, scratch.path("page1")])
        let decoded = try PDFTools.run("zbarimg", ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", scratch.path("page1.png")])
        #expect(decoded == Data((payload + "\n").utf8))
    }

    /// The QR symbol measured on the page: at least 2.5 cm wide, with a white quiet zone of 4 modules.
    @Test func qrCodeIsLargeEnoughWithQuietZone() throws {
        let scratch = try Scratch("qr-size")
        let pdf = try scratch.write(LetterRenderer.pdf(LetterFixtures.reminder()), to: "reminder.pdf")
        let dpi = 200.0
        // The lower right quarter of the page, where the payment block sits.
        let (x0, y0, w, h) = (827, 1169, 827, 1169)
        _ = try PDFTools.run("pdftoppm", ["-r", "\(Int(dpi))", "-gray", "-f", "1", "-l", "1", "-singlefile",
                                         "-x", "\(x0)", "-y", "\(y0)", "-W", "\(w)", "-H", "\(h)", pdf, scratch.path("corner")])
        let image = try Graymap(path: scratch.path("corner.pgm"))
        // Pure black only (the QR modules); text is printed in 90 % black or grey and never gets there.
        let box = try #require(image.boundingBox { $0 < 10 })
        let width = Double(box.maxX - box.minX + 1)
        #expect(width / dpi * 2.54 >= 2.5, "QR code is \(width / dpi * 2.54) cm wide")
        #expect(abs(Double(box.maxY - box.minY + 1) - width) <= 2, "QR code is square")
        // Four modules of white all around, beyond the two anti-aliased pixels at the symbol's edge.
        let modules = try QRCode.matrix(LetterFixtures.payload()).size
        let quiet = Int((width / Double(modules) * 4).rounded(.down))
        let edge = Graymap.Box(minX: box.minX - 2, maxX: box.maxX + 2, minY: box.minY - 2, maxY: box.maxY + 2)
        let light = image.isLight(around: edge, by: quiet - 2)
        #expect(light, "something dark within \(quiet) pixels of the QR code")
    }

    /// Only the address shows through a right-hand window at x 330–560 pt, y 155–250 pt.
    @Test func recipientSitsInTheEnvelopeWindow() throws {
        let scratch = try Scratch("window")
        let pdf = try scratch.write(LetterRenderer.pdf(LetterFixtures.reminder()), to: "reminder.pdf")
        let html = try PDFTools.text("pdftotext", ["-bbox", "-f", "1", "-l", "1", pdf, "-"])
        let words = BoxedWord.parse(html)
        let inWindow = words.filter { $0.xMax > 330 && $0.xMin < 560 && $0.yMax > 155 && $0.yMin < 250 }
        #expect(inWindow.map(\.text) == ["Wiśniewski", "&", "Yılmaz", "BV", "t.a.v.", "Łukasz", "Wiśniewski",
                                         "Rue", "Royale", "145", "bus", "3", "1000", "Brussel"])
        for word in inWindow {
            #expect(word.xMin >= 330 && word.xMax <= 560 && word.yMin >= 155 && word.yMax <= 250, "\(word.text) outside the window")
        }
    }

    /// A long name and many lines shrink the address instead of leaving the window.
    @Test func longAddressStaysInTheWindow() throws {
        var letter = try LetterFixtures.reminder()
        letter.recipient = .init(name: "Société Coopérative Agricole Zoë Façade & Fils SCRL", lines: [
            "Département Comptabilité Fournisseurs", "t.a.v. Şükrü Yılmaz", "Boulevard du Souverain 280 boîte 12",
            "1160 Auderghem", "Bâtiment B, 3e étage", "BELGIQUE",
        ])
        let scratch = try Scratch("window-long")
        let pdf = try scratch.write(LetterRenderer.pdf(letter), to: "letter.pdf")
        let words = BoxedWord.parse(try PDFTools.text("pdftotext", ["-bbox", "-f", "1", "-l", "1", pdf, "-"]))
        let address = words.filter { $0.xMin > 300 && $0.yMax < 260 }
        #expect(address.map(\.text).joined(separator: " ") == "Société Coopérative Agricole Zoë Façade & Fils SCRL "
            + "Département Comptabilité Fournisseurs t.a.v. Şükrü Yılmaz Boulevard du Souverain 280 boîte 12 "
            + "1160 Auderghem Bâtiment B, 3e étage BELGIQUE")
        for word in address {
            #expect(word.xMin >= 330 && word.xMax <= 560 && word.yMin >= 155 && word.yMax <= 250, "\(word.text) outside the window")
        }
    }

    @Test func userTextIsNeverMarkup() throws {
        var letter = try LetterFixtures.reminder()
        letter.subject = "<b>Niet vet</b> & <span foreground=\"red\">rood</span> &amp;"
        letter.paragraphsBefore = ["5 < 6 & 7 > 3"]
        let scratch = try Scratch("markup")
        let pdf = try scratch.write(LetterRenderer.pdf(letter), to: "markup.pdf")
        // -raw: the layout mode drops the spaces around one-character words ("5<6&7>3").
        let text = try PDFTools.text("pdftotext", ["-raw", pdf, "-"])
        #expect(text.contains("<b>Niet vet</b> & <span foreground=\"red\">rood</span> &amp;"))
        #expect(text.contains("5 < 6 & 7 > 3"))
    }

    @Test func longParagraphSplitsAcrossPages() throws {
        var letter = try LetterFixtures.reminder()
        let sentence = "Deze zin herhaalt zich om een lange alinea te maken die niet op één bladzijde past."
        letter.paragraphsAfter = [(1...160).map { "\($0). \(sentence)" }.joined(separator: " ")]
        let scratch = try Scratch("paragraph")
        let pdf = try scratch.write(LetterRenderer.pdf(letter), to: "paragraph.pdf")
        let text = try PDFTools.text("pdftotext", [pdf, "-"])
        #expect(text.contains("Pagina 3 van"))
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for n in [1, 80, 160] { #expect(flat.contains("\(n). Deze zin herhaalt"), "sentence \(n)") }
    }

    /// Names outside the repertoire of the writer's shared font subsets (Latin-1, Latin Extended-A,
    /// punctuation) take the per-document subset: still embedded, still extracted as written, and the
    /// same bytes when rendered again (the shared subsets are built once per process).
    @Test func namesOutsideTheSharedSubsetsAreEmbeddedAndExtracted() throws {
        var letter = try LetterFixtures.reminder()
        letter.creationDate = "2026-11-21T00:00:00Z"
        letter.recipient = .init(name: "Ștefan Țăranu SRL", lines: ["t.a.v. Δημήτρης Παπαδόπουλος", "Дмитрий Иванов", "1000 Brussel"])
        letter.paragraphsBefore = ["Geachte heer Παπαδόπουλος,"]
        let first = try LetterRenderer.pdf(letter)
        #expect(try LetterRenderer.pdf(letter) == first)
        let scratch = try Scratch("outside-repertoire")
        let pdf = try scratch.write(first, to: "names.pdf")
        let text = try PDFTools.text("pdftotext", ["-layout", pdf, "-"])
        for expected in ["Ștefan Țăranu SRL", "t.a.v. Δημήτρης Παπαδόπουλος", "Дмитрий Иванов", "Geachte heer Παπαδόπουλος,",
                         "€ 4.192,74", "+++123/4567/89002+++"] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        for line in try PDFTools.text("pdffonts", [pdf]).split(separator: "\n").dropFirst(2) {
            #expect(line.split(separator: " ").suffix(5).first == "yes", "not embedded: \(line)")
        }
    }

    @Test func pinnedCreationDateGivesIdenticalBytes() throws {
        var letter = try LetterFixtures.reminder()
        letter.creationDate = "2026-11-21T00:00:00Z"
        let first = try LetterRenderer.pdf(letter)
        let second = try LetterRenderer.pdf(letter)
        #expect(first == second)
        let scratch = try Scratch("date")
        let info = try PDFTools.text("pdfinfo", [scratch.write(first, to: "dated.pdf")])
        #expect(info.contains("CreationDate:    Sat Nov 21 00:00:00 2026"))
    }
}

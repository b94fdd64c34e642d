/// What the invoice and payment writers need to know about one debtor (6 bytes, kept for all).
struct DebtorProfile {
    /// Payment terms in days: 14, 30 or 60.
    let termsDays: UInt8
    /// A company (with a VAT number) rather than a private person.
    let isB2B: Bool
    /// Correspondence language, which also picks the invoice descriptions.
    let language: Language
    /// Mean days between due date and payment (negative: pays early), −5…+40.
    let meanDelay: Int8
    /// Spread of the delay in days (the scale of a normal draw around the mean).
    let spread: UInt8
    /// Chance in percent that a payment quotes the structured reference rather than the invoice number.
    let structuredReferencePercent: UInt8
    /// On which days it pays (see ``SettlementHabit``); drawn from a stream of its own.
    var habit: SettlementHabit = .anyWorkingDay
    /// Weekdays of its payment run (bit `k` = ISO weekday `k`) when `habit` is a weekly run.
    var runDays: UInt8 = 0
}

/// Writes `debtors.csv` and returns every debtor's ``DebtorProfile``.
struct DebtorWriter {
    /// The header line.
    static let header =
        "debtor_id,name,kind,vat_number,email,language,street,postal_code,city,country,phone,payment_terms_days,on_hold"

    /// Digits after `D` in a debtor id: 6, more when there are a million debtors or more.
    static func idWidth(count: Int) -> Int { max(6, OutputFile.digitCount(UInt64(max(count, 1)))) }

    /// Every twentieth debtor is a large company account that receives a share of all invoices.
    static func isKeyAccount(_ index: Int) -> Bool { index % 20 == 0 }

    /// The debtor stream of the seed.
    private var rng: Xoshiro
    /// Digits after `D`.
    private let idWidth: Int
    /// The name being built, reused across rows.
    private var scratch: [UInt8] = []
    /// A random start so that VAT numbers differ between seeds; see ``writeVAT(index:to:)``.
    private let vatOffset: Int

    /// The profiles of the `count` debtors drawn from `seed`, written nowhere (the daily flow and the
    /// reminder history replay the base's draw).
    static func profiles(count: Int, seed: UInt64) throws(OutputError) -> [DebtorProfile] {
        let sink = try OutputFile(path: "/dev/null", header: header)
        let profiles = try write(count: count, seed: seed, to: sink)
        try sink.close()
        return profiles
    }

    /// Writes `count` debtors drawn from `seed` to `out`.
    static func write(count: Int, seed: UInt64, to out: OutputFile) throws(OutputError) -> [DebtorProfile] {
        var writer = DebtorWriter(seed: seed, count: count)
        var profiles: [DebtorProfile] = []
        profiles.reserveCapacity(count)
        // Habits come from their own stream, so debtors.csv is the same as before they existed.
        var habits = Xoshiro(seed: seed, stream: 3)
        for index in 0..<count {
            try out.beginRow()
            var profile = writer.row(index: index, to: out)
            (profile.habit, profile.runDays) = SettlementHabit.draw(isB2B: profile.isB2B, &habits)
            profiles.append(profile)
        }
        return profiles
    }

    /// A writer for `count` debtors of `seed`.
    private init(seed: UInt64, count: Int) {
        rng = Xoshiro(seed: seed, stream: 1)
        idWidth = DebtorWriter.idWidth(count: count)
        vatOffset = rng.below(DebtorWriter.vatSpace)
        scratch.reserveCapacity(256)
    }

    /// One row; returns the debtor's profile.
    private mutating func row(index: Int, to out: OutputFile) -> DebtorProfile {
        let language = Language.draw(&rng)
        let lang = Int(language.rawValue)
        let isB2B = DebtorWriter.isKeyAccount(index) || rng.below(10_000) < 6_842  // 70 % overall
        let terms = [14, 30, 30, 30, 60][rng.below(5)]

        out.byte(0x44)  // D
        out.digits(UInt64(index + 1), width: idWidth)
        out.comma()
        let (local, domain) = isB2B ? companyName(lang) : personName(lang)
        out.field(scratch)
        out.comma()
        out.bytes(isB2B ? DebtorWriter.b2b : DebtorWriter.b2c)
        out.comma()
        if isB2B { writeVAT(index: index, to: out) }
        out.comma()
        if rng.below(100) >= 5 {
            out.bytes(local)
            out.byte(0x40)  // @
            out.bytes(domain)
        }
        out.comma()
        out.bytes(language.code)
        out.comma()
        writeStreet(lang, to: out)
        out.comma()
        let city = rng.pick(Vocabulary.cities[lang])
        out.number(UInt64(rng.pick(city.postalCodes)))
        out.comma()
        out.field(city.name)
        out.comma()
        out.bytes(Vocabulary.country)
        out.comma()
        writePhone(zone: city.zone, mobile: rng.chance(isB2B ? 0.2 : 0.65), to: out)
        out.comma()
        out.number(UInt64(terms))
        out.comma()
        out.bytes(rng.below(100) == 0 ? Vocabulary.yes : Vocabulary.no)
        out.newline()
        return drawBehaviour(terms: terms, isB2B: isB2B, language: language)
    }

    /// Puts a company's name in `scratch`; returns the mailbox and the mail domain.
    private mutating func companyName(_ lang: Int) -> (local: [UInt8], domain: [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        var domain: [UInt8]
        if rng.below(1000) < 15 {
            let name = rng.pick(Vocabulary.quotedCompanyNames[lang])
            scratch.append(contentsOf: name.text)
            domain = name.slug
        } else {
            let pattern = rng.pick(Vocabulary.companyPatterns[lang])
            let surname = rng.pick(Vocabulary.surnames[lang])
            scratch.append(contentsOf: pattern.before)
            scratch.append(contentsOf: surname.text)
            scratch.append(contentsOf: pattern.after)
            domain = pattern.tradeSlug
            if !domain.isEmpty { domain.append(0x2D) }  // -
            domain.append(contentsOf: surname.slug)
        }
        domain.append(contentsOf: DebtorWriter.dotBE)
        return (rng.pick(Vocabulary.companyMailboxes[lang]), domain)
    }

    /// Puts a person's name in `scratch`; returns the mailbox and the mail domain.
    private mutating func personName(_ lang: Int) -> (local: [UInt8], domain: [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        var local: [UInt8]
        if rng.below(100) < 12 {
            let person = rng.pick(Vocabulary.otherPeople)
            scratch.append(contentsOf: person.text)
            local = person.slug
        } else {
            let first = rng.pick(Vocabulary.firstNames[lang])
            let last = rng.pick(Vocabulary.surnames[lang])
            scratch.append(contentsOf: first.text)
            scratch.append(0x20)
            scratch.append(contentsOf: last.text)
            local = first.slug
            local.append(0x2E)  // .
            local.append(contentsOf: last.slug)
        }
        if rng.below(100) < 40 {
            let n = rng.between(1, 99)
            local.append(UInt8(48 + n / 10))
            local.append(UInt8(48 + n % 10))
        }
        return (local, rng.pick(Vocabulary.personalDomains))
    }

    /// Size of the range of VAT bodies (`0200.000.0xx` … `0999.999.9xx`).
    private static let vatSpace = 8_000_000

    /// A valid Belgian VAT number `BE0` + 7 digits + 2 check digits, `97 − (first 8 mod 97)`.
    ///
    /// The body walks `2000000…9999999` with a stride coprime to the range's size, so VAT numbers
    /// are distinct for the first eight million debtors while still looking random.
    private func writeVAT(index: Int, to out: OutputFile) {
        let body = 2_000_000 + (vatOffset + index * 7_368_787) % DebtorWriter.vatSpace
        out.bytes(DebtorWriter.vatPrefix)
        out.digits(UInt64(body), width: 7)
        out.digits(UInt64(DebtorWriter.vatCheck(body)), width: 2)
    }

    /// Check digits of a VAT number whose first eight digits are `0` + the seven-digit `body`.
    static func vatCheck(_ body: Int) -> Int { 97 - body % 97 }

    /// `Kerkstraat 12`, sometimes with a box number.
    private mutating func writeStreet(_ lang: Int, to out: OutputFile) {
        out.field(rng.pick(Vocabulary.streets[lang]))
        out.byte(0x20)
        out.number(UInt64(rng.between(1, 250)))
        if rng.below(100) < 10 {
            out.bytes(Vocabulary.boxWords[lang])
            out.number(UInt64(rng.between(1, 40)))
        }
    }

    /// `+32 9 223 45 67` (one-digit zone), `+32 16 23 45 67` (two-digit zone) or `+32 478 12 34 56`.
    private mutating func writePhone(zone: [UInt8], mobile: Bool, to out: OutputFile) {
        out.bytes(DebtorWriter.plus32)
        if mobile {
            out.number(UInt64(rng.between(470, 499)))
            out.byte(0x20)
            out.digits(UInt64(rng.below(100)), width: 2)
        } else if zone.count == 1 {
            out.bytes(zone)
            out.byte(0x20)
            out.number(UInt64(rng.between(200, 799)))
        } else {
            out.bytes(zone)
            out.byte(0x20)
            out.number(UInt64(rng.between(20, 79)))
        }
        out.byte(0x20)
        out.digits(UInt64(rng.below(100)), width: 2)
        out.byte(0x20)
        out.digits(UInt64(rng.below(100)), width: 2)
    }

    /// Payment habits: 15 % pay early, 55 % within ten days of the due date, 25 % late, 5 % very late.
    private mutating func drawBehaviour(terms: Int, isB2B: Bool, language: Language) -> DebtorProfile {
        let u = rng.below(100)
        let mean: Int
        let spread: Int
        switch u {
        case ..<15: (mean, spread) = (rng.between(-5, -1), rng.between(0, 3))
        case ..<70: (mean, spread) = (rng.between(0, 10), rng.between(1, 6))
        case ..<95: (mean, spread) = (rng.between(10, 25), rng.between(3, 10))
        default: (mean, spread) = (rng.between(25, 40), rng.between(5, 15))
        }
        let r = rng.below(100)
        let percent = r < 80 ? 100 : (r < 95 ? 50 : 0)
        return DebtorProfile(
            termsDays: UInt8(terms), isB2B: isB2B, language: language, meanDelay: Int8(mean),
            spread: UInt8(spread), structuredReferencePercent: UInt8(percent))
    }

    /// Column values and fixed pieces, as bytes.
    private static let b2b: [UInt8] = Array("b2b".utf8)
    private static let b2c: [UInt8] = Array("b2c".utf8)
    private static let vatPrefix: [UInt8] = Array("BE0".utf8)
    private static let dotBE: [UInt8] = Array(".be".utf8)
    private static let plus32: [UInt8] = Array("+32 ".utf8)
}

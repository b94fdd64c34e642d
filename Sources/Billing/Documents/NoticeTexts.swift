import Ledger

extension InvoiceTexts {
    private func pick4(_ nl: String, _ fr: String, _ de: String, _ en: String) -> String {
        switch language {
        case "fr": fr
        case "de": de
        case "en": en
        default: nl
        }
    }

    /// The formal notice before a suspension: subject and body.
    func noticeMail(contract: String, invoice: String, open: Money, days: Int, fee: Money, company: String) -> (String, String) {
        let o = money(open), f = money(fee)
        return (
            pick4("Ingebrekestelling – contract \(contract)", "Mise en demeure – contrat \(contract)",
                  "Mahnung mit Fristsetzung – Vertrag \(contract)", "Formal notice – contract \(contract)"),
            pick4(
                "Geachte klant,\n\nFactuur \(invoice) is vervallen en niet betaald; voor contract \(contract) staat \(o) open. Betaalt u niet binnen \(days) dagen, dan schorten wij uw account op. Het opheffen van een schorsing kost \(f).\n\nMet vriendelijke groeten,\n\(company)\n",
                "Madame, Monsieur,\n\nLa facture \(invoice) est échue et impayée ; \(o) reste dû pour le contrat \(contract). Sans paiement dans les \(days) jours, nous suspendrons votre compte. La levée d'une suspension coûte \(f).\n\nSalutations distinguées,\n\(company)\n",
                "Sehr geehrte Damen und Herren,\n\ndie Rechnung \(invoice) ist fällig und unbezahlt; für den Vertrag \(contract) sind \(o) offen. Ohne Zahlung innerhalb von \(days) Tagen sperren wir Ihr Konto. Die Aufhebung einer Sperre kostet \(f).\n\nMit freundlichen Grüßen\n\(company)\n",
                "Dear customer,\n\nInvoice \(invoice) is past due and unpaid; \(o) is open on contract \(contract). Unless it is paid within \(days) days, we will suspend your account. Lifting a suspension costs \(f).\n\nKind regards,\n\(company)\n"))
    }

    /// The message that the account is suspended.
    func suspendedMail(contract: String, open: Money, fee: Money, company: String) -> (String, String) {
        let o = money(open), f = money(fee)
        return (
            pick4("Account opgeschort – contract \(contract)", "Compte suspendu – contrat \(contract)",
                  "Konto gesperrt – Vertrag \(contract)", "Account suspended – contract \(contract)"),
            pick4(
                "Geachte klant,\n\nOndanks onze ingebrekestelling blijft \(o) onbetaald. Uw account is opgeschort. Na betaling heractiveren wij het; uw volgende factuur vermeldt dan de heractiveringskosten van \(f).\n\nMet vriendelijke groeten,\n\(company)\n",
                "Madame, Monsieur,\n\nMalgré notre mise en demeure, \(o) reste impayé. Votre compte est suspendu. Après paiement, nous le réactiverons ; votre prochaine facture comprendra les frais de réactivation de \(f).\n\nSalutations distinguées,\n\(company)\n",
                "Sehr geehrte Damen und Herren,\n\ntrotz unserer Mahnung sind \(o) unbezahlt. Ihr Konto ist gesperrt. Nach Zahlung schalten wir es wieder frei; Ihre nächste Rechnung enthält die Reaktivierungsgebühr von \(f).\n\nMit freundlichen Grüßen\n\(company)\n",
                "Dear customer,\n\nDespite our formal notice, \(o) remains unpaid. Your account is suspended. Once paid, we will reactivate it; your next invoice will then carry the reactivation fee of \(f).\n\nKind regards,\n\(company)\n"))
    }

    var indexationSubject: String {
        pick4("Aankondiging prijsindexering", "Annonce d'indexation des prix", "Ankündigung der Preisindexierung", "Notice of price indexation")
    }

    /// The paragraphs of the indexation notice.
    func indexationParagraphs(contract: String, plan: String, date: Day, series: String, old: Money, expected: Money?,
                              pending: Month?, actualMonth: Month, baseMonth: Month) -> [String] {
        let d = long(date), o = money(old)
        let rule = pick4(
            "Zoals bepaald in onze algemene voorwaarden passen wij onze prijzen eenmaal per jaar aan volgens de index \(series): nieuwe prijs = huidige prijs × (0,2 + 0,8 × index van \(monthName(actualMonth)) / index van \(monthName(baseMonth))).",
            "Comme prévu par nos conditions générales, nous adaptons nos prix une fois par an selon l'indice \(series) : nouveau prix = prix actuel × (0,2 + 0,8 × indice de \(monthName(actualMonth)) / indice de \(monthName(baseMonth))).",
            "Wie in unseren Allgemeinen Geschäftsbedingungen vorgesehen, passen wir unsere Preise einmal jährlich nach dem Index \(series) an: neuer Preis = aktueller Preis × (0,2 + 0,8 × Index \(monthName(actualMonth)) / Index \(monthName(baseMonth))).",
            "As our terms provide, we adjust our prices once a year with the \(series) index: new price = current price × (0.2 + 0.8 × index of \(monthName(actualMonth)) / index of \(monthName(baseMonth))).")
        let price: String
        if let e = expected {
            price = pick4("Voor contract \(contract) (formule \(plan)) wordt de maandprijs van \(o) vanaf \(d) \(money(e)) (excl. btw).",
                          "Pour le contrat \(contract) (formule \(plan)), le prix mensuel de \(o) passera à \(money(e)) (HTVA) à partir du \(d).",
                          "Für den Vertrag \(contract) (Tarif \(plan)) beträgt der Monatspreis von \(o) ab dem \(d) \(money(e)) (netto).",
                          "For contract \(contract) (plan \(plan)) the monthly price of \(o) becomes \(money(e)) (excluding VAT) from \(d).")
        } else {
            let m = pending.map(monthName) ?? ""
            price = pick4("Voor contract \(contract) (formule \(plan)) bedraagt de maandprijs nu \(o). De nieuwe prijs vanaf \(d) volgt zodra de index van \(m) gepubliceerd is.",
                          "Pour le contrat \(contract) (formule \(plan)), le prix mensuel est actuellement de \(o). Le nouveau prix à partir du \(d) suivra dès la publication de l'indice de \(m).",
                          "Für den Vertrag \(contract) (Tarif \(plan)) beträgt der Monatspreis derzeit \(o). Der neue Preis ab dem \(d) folgt, sobald der Index \(m) veröffentlicht ist.",
                          "For contract \(contract) (plan \(plan)) the monthly price is now \(o). The new price from \(d) follows once the index of \(m) is published.")
        }
        return [rule, price, greeting]
    }
}

/// The reminder templates shipped with Relance, copied into a new workspace's `templates/` folder
/// by `relance init`, where a finance team edits them (`docs/TEMPLATES.md` lists the variables).
///
/// One text template per language and ladder step: its first line is `Subject: …`, then a blank
/// line, then the body. The body is used three ways: the plain-text e-mail, the HTML e-mail (its
/// paragraphs inside `layout.html`) and the PDF letter (its paragraphs around the table). The line
/// `{{statement}}` marks where the statement of account goes.
public enum DefaultTemplates {
    /// `templates/<language>/<step template>.mustache` for every language and template name.
    public static let files: [String: String] = {
        var out: [String: String] = ["layout.html.mustache": layoutHTML]
        for (language, templates) in texts {
            for (name, body) in templates { out["\(language)/\(name).mustache"] = "{{% CONTENT_TYPE: TEXT}}\n" + body }
        }
        return out
    }()

    /// The HTML e-mail around a step's paragraphs (values are HTML-escaped by mustache).
    static let layoutHTML = """
        <!DOCTYPE html>
        <html lang="{{language}}">
        <head><meta charset="utf-8"><title>{{subject}}</title></head>
        <body style="font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 14px; color: #1a1a1a; max-width: 720px;">
        <p style="color:#555">{{company_name}}</p>
        {{#before}}<p>{{#lines}}{{.}}<br>{{/lines}}</p>
        {{/before}}
        <table style="border-collapse: collapse; width: 100%; margin: 12px 0;">
        <thead><tr>{{#columns}}<th style="text-align:{{align}}; border-bottom: 1px solid #999; padding: 4px;">{{title}}</th>{{/columns}}</tr></thead>
        <tbody>
        {{#rows}}<tr>{{#cells}}<td style="text-align:{{align}}; padding: 4px; border-bottom: 1px solid #eee;">{{text}}</td>{{/cells}}</tr>
        {{/rows}}</tbody>
        <tfoot>
        {{#totals}}<tr><td colspan="{{span}}" style="text-align:right; padding: 4px;{{#strong}} font-weight: bold; border-top: 1px solid #999;{{/strong}}">{{label}}</td><td style="text-align:right; padding: 4px;{{#strong}} font-weight: bold; border-top: 1px solid #999;{{/strong}}">{{amount}}</td></tr>
        {{/totals}}</tfoot>
        </table>
        {{#sections}}<p style="margin: 12px 0 4px 0;"><strong>{{title}}</strong></p>
        <table style="border-collapse: collapse; width: 100%; margin: 0 0 12px 0; color: #444;">
        <thead><tr>{{#columns}}<th style="text-align:{{align}}; border-bottom: 1px solid #999; padding: 4px;">{{title}}</th>{{/columns}}</tr></thead>
        <tbody>
        {{#rows}}<tr>{{#cells}}<td style="text-align:{{align}}; padding: 4px; border-bottom: 1px solid #eee;">{{text}}</td>{{/cells}}</tr>
        {{/rows}}</tbody>
        </table>
        {{/sections}}
        {{#after}}<p>{{#lines}}{{.}}<br>{{/lines}}</p>
        {{/after}}
        <table style="border: 1px solid #999; padding: 8px; margin-top: 12px;">
        <tr><th colspan="2" style="text-align:left;">{{payment_title}}</th></tr>
        {{#payment}}<tr><td style="padding-right: 12px; color:#555;">{{label}}</td><td>{{value}}</td></tr>
        {{/payment}}</table>
        <p style="color:#777; font-size: 12px;">{{company_name}}{{#company_details}} · {{company_details}}{{/company_details}}{{#company_email}} · {{company_email}}{{/company_email}}{{#company_phone}} · {{company_phone}}{{/company_phone}}</p>
        </body>
        </html>

        """

    static let texts: [String: [String: String]] = ["nl": nl, "fr": fr, "de": de, "en": en]

    static let nl: [String: String] = [
        "courtesy": """
            Subject: Vriendelijke herinnering: factuur vervalt binnenkort

            Geachte heer, mevrouw,

            Graag herinneren wij u eraan dat de volgende factuur binnenkort vervalt.

            {{statement}}

            Wilt u {{balance}} overmaken op rekening {{iban}} met de mededeling {{reference}}? Is de betaling al onderweg, dan mag u dit bericht als niet verzonden beschouwen.

            Met vriendelijke groeten,
            {{signature}}
            """,
        "reminder-1": """
            Subject: Herinnering: openstaande facturen ({{total}})

            Geachte heer, mevrouw,

            Bij nazicht van onze boekhouding stellen wij vast dat de volgende facturen nog niet betaald zijn.

            {{statement}}

            Wij vragen u het openstaande bedrag van {{total}} te betalen vóór {{pay_by}} op rekening {{iban}} met de mededeling {{reference}}. Heeft u intussen betaald, dan danken wij u en mag u deze herinnering als niet verzonden beschouwen.

            Met vriendelijke groeten,
            {{signature}}
            """,
        "reminder-2": """
            Subject: Tweede herinnering: openstaande facturen ({{total}})

            Geachte heer, mevrouw,

            Ondanks onze eerdere herinnering blijven de volgende facturen onbetaald.{{#claims}} Overeenkomstig de wet van 2 augustus 2002 betreffende de bestrijding van de betalingsachterstand bij handelstransacties rekenen wij verwijlinterest en een forfaitaire vergoeding aan.{{/claims}}

            {{statement}}

            Wij verzoeken u het totaal van {{total}} uiterlijk op {{pay_by}} te betalen op rekening {{iban}} met de mededeling {{reference}}. Neem bij een betwisting of een probleem gerust contact met ons op{{#company_phone}} via {{company_phone}}{{/company_phone}}.

            Met vriendelijke groeten,
            {{signature}}
            """,
        "formal-notice": """
            Subject: Ingebrekestelling: openstaande facturen ({{total}})

            Geachte heer, mevrouw,

            Ondanks onze herinneringen zijn de volgende bedragen nog altijd niet betaald. Met deze brief stellen wij u formeel in gebreke.

            {{statement}}

            Wij verzoeken u het totaal van {{total}} uiterlijk op {{pay_by}} te betalen op rekening {{iban}} met de mededeling {{reference}}. Zonder betaling binnen deze termijn zullen wij het dossier zonder verdere verwittiging overdragen voor invordering, wat bijkomende kosten met zich kan brengen.

            Met vriendelijke groeten,
            {{signature}}
            """,
        "consumer-first-reminder": """
            Subject: Eerste herinnering (kosteloos): openstaand saldo {{balance}}

            Geachte {{debtor_name}},

            Volgens onze gegevens is het volgende bedrag nog niet betaald. Deze eerste herinnering is kosteloos.

            {{#items}}
            Factuur {{number}} van {{date}}{{#description}} voor {{description}}{{/description}}, vervallen op {{due}}: nog open {{open}}.
            {{/items}}

            {{statement}}

            Openstaand saldo: {{balance}}. U beschikt over een termijn van 14 dagen om te betalen, tot en met {{pay_by}}, op rekening {{iban}} met de mededeling {{reference}}.

            {{#announces}}Betaalt u niet binnen deze termijn, dan kunnen wij {{#has_damages}}een forfaitaire schadevergoeding van {{damages}}{{#has_rate}} en {{/has_rate}}{{/has_damages}}{{#has_rate}}verwijlinterest tegen {{rate}} op het openstaande bedrag vanaf de dag na het verstrijken van de termijn{{/has_rate}} aanrekenen (boek XIX van het Wetboek van economisch recht).{{/announces}}

            Schuldeiser: {{company_name}}{{#enterprise_number}}, ondernemingsnummer {{enterprise_number}}{{/enterprise_number}}.

            Met vriendelijke groeten,
            {{signature}}
            """,
        "consumer-second-reminder": """
            Subject: Tweede herinnering: openstaand saldo {{total}}

            Geachte {{debtor_name}},

            Op {{first_reminder}} stuurden wij u een kosteloze herinnering. De termijn van 14 dagen is verstreken zonder betaling.{{#claims}} Zoals toen aangekondigd rekenen wij nu de wettelijke schadevergoeding en interest aan.{{/claims}}

            {{statement}}

            Wij vragen u het totaal van {{total}} uiterlijk op {{pay_by}} te betalen op rekening {{iban}} met de mededeling {{reference}}.

            Schuldeiser: {{company_name}}{{#enterprise_number}}, ondernemingsnummer {{enterprise_number}}{{/enterprise_number}}.

            Met vriendelijke groeten,
            {{signature}}
            """,
    ]

    static let fr: [String: String] = [
        "courtesy": """
            Subject: Rappel amical : facture bientôt échue

            Madame, Monsieur,

            Nous nous permettons de vous rappeler que la facture suivante arrive bientôt à échéance.

            {{statement}}

            Nous vous remercions de verser {{balance}} sur le compte {{iban}} avec la communication {{reference}}. Si le paiement est déjà en cours, veuillez ne pas tenir compte de ce message.

            Veuillez agréer nos salutations distinguées,
            {{signature}}
            """,
        "reminder-1": """
            Subject: Rappel : factures impayées ({{total}})

            Madame, Monsieur,

            Sauf erreur de notre part, les factures suivantes restent impayées.

            {{statement}}

            Nous vous prions de payer le montant de {{total}} avant le {{pay_by}} sur le compte {{iban}} avec la communication {{reference}}. Si vous avez payé entre-temps, nous vous en remercions et vous prions de ne pas tenir compte de ce rappel.

            Veuillez agréer nos salutations distinguées,
            {{signature}}
            """,
        "reminder-2": """
            Subject: Deuxième rappel : factures impayées ({{total}})

            Madame, Monsieur,

            Malgré notre précédent rappel, les factures suivantes restent impayées.{{#claims}} Conformément à la loi du 2 août 2002 concernant la lutte contre le retard de paiement dans les transactions commerciales, nous portons en compte des intérêts de retard et une indemnité forfaitaire.{{/claims}}

            {{statement}}

            Nous vous prions de payer le total de {{total}} au plus tard le {{pay_by}} sur le compte {{iban}} avec la communication {{reference}}. En cas de contestation ou de difficulté, n'hésitez pas à nous contacter{{#company_phone}} au {{company_phone}}{{/company_phone}}.

            Veuillez agréer nos salutations distinguées,
            {{signature}}
            """,
        "formal-notice": """
            Subject: Mise en demeure : factures impayées ({{total}})

            Madame, Monsieur,

            Malgré nos rappels, les montants suivants restent impayés. Par la présente, nous vous mettons formellement en demeure.

            {{statement}}

            Nous vous prions de payer le total de {{total}} au plus tard le {{pay_by}} sur le compte {{iban}} avec la communication {{reference}}. À défaut de paiement dans ce délai, nous transmettrons le dossier au recouvrement sans autre avis, ce qui peut entraîner des frais supplémentaires.

            Veuillez agréer nos salutations distinguées,
            {{signature}}
            """,
        "consumer-first-reminder": """
            Subject: Premier rappel (gratuit) : solde impayé {{balance}}

            Madame, Monsieur,

            Selon nos données, le montant suivant n'a pas encore été payé. Ce premier rappel est gratuit.

            {{#items}}
            Facture {{number}} du {{date}}{{#description}} pour {{description}}{{/description}}, échue le {{due}} : solde {{open}}.
            {{/items}}

            {{statement}}

            Solde impayé : {{balance}}. Vous disposez d'un délai de 14 jours pour payer, jusqu'au {{pay_by}} inclus, sur le compte {{iban}} avec la communication {{reference}}.

            {{#announces}}À défaut de paiement dans ce délai, nous pourrons réclamer {{#has_damages}}une indemnité forfaitaire de {{damages}}{{#has_rate}}, ainsi que {{/has_rate}}{{/has_damages}}{{#has_rate}}des intérêts de retard calculés selon {{rate}} sur le montant impayé à partir du lendemain de l'expiration du délai{{/has_rate}} (livre XIX du Code de droit économique).{{/announces}}

            Créancier : {{company_name}}{{#enterprise_number}}, numéro d'entreprise {{enterprise_number}}{{/enterprise_number}}.

            Veuillez agréer nos salutations distinguées,
            {{signature}}
            """,
        "consumer-second-reminder": """
            Subject: Deuxième rappel : solde impayé {{total}}

            Madame, Monsieur,

            Le {{first_reminder}}, nous vous avons adressé un rappel gratuit. Le délai de 14 jours a expiré sans paiement.{{#claims}} Comme annoncé, nous portons maintenant en compte l'indemnité et les intérêts prévus par la loi.{{/claims}}

            {{statement}}

            Nous vous prions de payer le total de {{total}} au plus tard le {{pay_by}} sur le compte {{iban}} avec la communication {{reference}}.

            Créancier : {{company_name}}{{#enterprise_number}}, numéro d'entreprise {{enterprise_number}}{{/enterprise_number}}.

            Veuillez agréer nos salutations distinguées,
            {{signature}}
            """,
    ]

    static let de: [String: String] = [
        "courtesy": """
            Subject: Freundliche Erinnerung: Rechnung bald fällig

            Sehr geehrte Damen und Herren,

            wir möchten Sie daran erinnern, dass die folgende Rechnung von {{debtor_name}} bald fällig wird.

            {{statement}}

            Bitte überweisen Sie {{balance}} auf das Konto {{iban}} mit der Mitteilung {{reference}}. Ist die Zahlung bereits unterwegs, betrachten Sie diese Nachricht bitte als gegenstandslos.

            Mit freundlichen Grüßen
            {{signature}}
            """,
        "reminder-1": """
            Subject: Zahlungserinnerung: offene Rechnungen ({{total}})

            Sehr geehrte Damen und Herren,

            laut unserer Buchhaltung sind die folgenden Rechnungen von {{debtor_name}} noch nicht bezahlt.

            {{statement}}

            Bitte zahlen Sie den offenen Betrag von {{total}} bis zum {{pay_by}} auf das Konto {{iban}} mit der Mitteilung {{reference}}. Sollten Sie inzwischen gezahlt haben, danken wir Ihnen und bitten Sie, diese Erinnerung als gegenstandslos zu betrachten.

            Mit freundlichen Grüßen
            {{signature}}
            """,
        "reminder-2": """
            Subject: Zweite Mahnung: offene Rechnungen ({{total}})

            Sehr geehrte Damen und Herren,

            trotz unserer Erinnerung sind die folgenden Rechnungen von {{debtor_name}} weiterhin offen.{{#claims}} Gemäß dem Gesetz vom 2. August 2002 zur Bekämpfung des Zahlungsverzugs im Handelsverkehr berechnen wir Verzugszinsen und eine Pauschalentschädigung.{{/claims}}

            {{statement}}

            Bitte zahlen Sie den Gesamtbetrag von {{total}} spätestens am {{pay_by}} auf das Konto {{iban}} mit der Mitteilung {{reference}}. Bei Fragen oder Einwänden wenden Sie sich bitte an uns{{#company_phone}} unter {{company_phone}}{{/company_phone}}.

            Mit freundlichen Grüßen
            {{signature}}
            """,
        "formal-notice": """
            Subject: Inverzugsetzung: offene Rechnungen ({{total}})

            Sehr geehrte Damen und Herren,

            trotz unserer Mahnungen sind die folgenden Beträge von {{debtor_name}} weiterhin unbezahlt. Mit diesem Schreiben setzen wir Sie förmlich in Verzug.

            {{statement}}

            Bitte zahlen Sie den Gesamtbetrag von {{total}} spätestens am {{pay_by}} auf das Konto {{iban}} mit der Mitteilung {{reference}}. Ohne Zahlung innerhalb dieser Frist übergeben wir die Akte ohne weitere Ankündigung einem Inkassodienst, was zusätzliche Kosten verursachen kann.

            Mit freundlichen Grüßen
            {{signature}}
            """,
        "consumer-first-reminder": """
            Subject: Erste Zahlungserinnerung (kostenlos): offener Saldo {{balance}}

            Sehr geehrte(r) {{debtor_name}},

            laut unseren Unterlagen ist der folgende Betrag noch nicht bezahlt. Diese erste Erinnerung ist kostenlos.

            {{#items}}
            Rechnung {{number}} vom {{date}}{{#description}} für {{description}}{{/description}}, fällig am {{due}}: offen {{open}}.
            {{/items}}

            {{statement}}

            Offener Saldo: {{balance}}. Sie haben eine Frist von 14 Tagen, bis einschließlich {{pay_by}}, um auf das Konto {{iban}} mit der Mitteilung {{reference}} zu zahlen.

            {{#announces}}Zahlen Sie nicht innerhalb dieser Frist, können wir {{#has_damages}}einen pauschalen Schadenersatz von {{damages}}{{#has_rate}} sowie {{/has_rate}}{{/has_damages}}{{#has_rate}}Verzugszinsen ({{rate}}) auf den offenen Betrag ab dem Tag nach Ablauf der Frist{{/has_rate}} berechnen (Buch XIX des Wirtschaftsgesetzbuches).{{/announces}}

            Gläubiger: {{company_name}}{{#enterprise_number}}, Unternehmensnummer {{enterprise_number}}{{/enterprise_number}}.

            Mit freundlichen Grüßen
            {{signature}}
            """,
        "consumer-second-reminder": """
            Subject: Zweite Zahlungserinnerung: offener Saldo {{total}}

            Sehr geehrte(r) {{debtor_name}},

            am {{first_reminder}} haben wir Ihnen eine kostenlose Erinnerung geschickt. Die Frist von 14 Tagen ist ohne Zahlung verstrichen.{{#claims}} Wie angekündigt berechnen wir nun den gesetzlichen Schadenersatz und die Zinsen.{{/claims}}

            {{statement}}

            Bitte zahlen Sie den Gesamtbetrag von {{total}} spätestens am {{pay_by}} auf das Konto {{iban}} mit der Mitteilung {{reference}}.

            Gläubiger: {{company_name}}{{#enterprise_number}}, Unternehmensnummer {{enterprise_number}}{{/enterprise_number}}.

            Mit freundlichen Grüßen
            {{signature}}
            """,
    ]

    static let en: [String: String] = [
        "courtesy": """
            Subject: Friendly reminder: invoice due soon

            Dear Sir or Madam,

            This is a friendly reminder that the following invoice falls due soon.

            {{statement}}

            Please transfer {{balance}} to account {{iban}} with the communication {{reference}}. If the payment is already on its way, please disregard this message.

            Kind regards,
            {{signature}}
            """,
        "reminder-1": """
            Subject: Reminder: unpaid invoices ({{total}})

            Dear Sir or Madam,

            According to our records, the following invoices have not been paid yet.

            {{statement}}

            Please pay the amount of {{total}} before {{pay_by}} to account {{iban}} with the communication {{reference}}. If you have paid in the meantime, thank you, and please disregard this reminder.

            Kind regards,
            {{signature}}
            """,
        "reminder-2": """
            Subject: Second reminder: unpaid invoices ({{total}})

            Dear Sir or Madam,

            Despite our earlier reminder, the following invoices remain unpaid.{{#claims}} Under the Belgian Law of 2 August 2002 on combating late payment in commercial transactions, we charge late-payment interest and a flat recovery compensation.{{/claims}}

            {{statement}}

            Please pay the total of {{total}} by {{pay_by}} at the latest to account {{iban}} with the communication {{reference}}. If you dispute an invoice or have a problem paying, please contact us{{#company_phone}} on {{company_phone}}{{/company_phone}}.

            Kind regards,
            {{signature}}
            """,
        "formal-notice": """
            Subject: Formal notice: unpaid invoices ({{total}})

            Dear Sir or Madam,

            Despite our reminders, the following amounts are still unpaid. With this letter we give you formal notice.

            {{statement}}

            Please pay the total of {{total}} by {{pay_by}} at the latest to account {{iban}} with the communication {{reference}}. Without payment within this period we will hand the file over for collection without further notice, which may lead to further costs.

            Kind regards,
            {{signature}}
            """,
        "consumer-first-reminder": """
            Subject: First reminder (free of charge): balance {{balance}}

            Dear {{debtor_name}},

            According to our records, the following amount has not been paid yet. This first reminder is free of charge.

            {{#items}}
            Invoice {{number}} of {{date}}{{#description}} for {{description}}{{/description}}, due on {{due}}: {{open}} open.
            {{/items}}

            {{statement}}

            Balance: {{balance}}. You have 14 days to pay, until {{pay_by}} inclusive, to account {{iban}} with the communication {{reference}}.

            {{#announces}}If you do not pay within this period, we may charge {{#has_damages}}flat damages of {{damages}}{{#has_rate}} and {{/has_rate}}{{/has_damages}}{{#has_rate}}late-payment interest at {{rate}} on the unpaid amount from the day after the period ends{{/has_rate}} (Book XIX of the Belgian Code of Economic Law).{{/announces}}

            Creditor: {{company_name}}{{#enterprise_number}}, enterprise number {{enterprise_number}}{{/enterprise_number}}.

            Kind regards,
            {{signature}}
            """,
        "consumer-second-reminder": """
            Subject: Second reminder: balance {{total}}

            Dear {{debtor_name}},

            On {{first_reminder}} we sent you a reminder free of charge. The 14-day period has ended without payment.{{#claims}} As announced then, we now charge the statutory damages and interest.{{/claims}}

            {{statement}}

            Please pay the total of {{total}} by {{pay_by}} at the latest to account {{iban}} with the communication {{reference}}.

            Creditor: {{company_name}}{{#enterprise_number}}, enterprise number {{enterprise_number}}{{/enterprise_number}}.

            Kind regards,
            {{signature}}
            """,
    ]
}

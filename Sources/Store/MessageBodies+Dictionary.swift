// The preset zlib dictionary of message bodies, version 1: frozen. Rows written with it name it
// (format byte 2), so changing one byte of it would make them unreadable; a better dictionary is a
// new version beside this one. `MessageBodiesTests` checks its Adler-32.

extension MessageBodies {
    /// Dictionary 1 (14 KB): the fixed text of the reminder templates shipped with Relance 2026-12
    /// (`Sources/Dunning/Content/templates`, every language, the `{{…}}` tags removed, the layout
    /// last) and the statement's HTML markup with neutral values, so that a body repeats the
    /// dictionary instead of itself. No personal data: nothing in it comes from a ledger.
    package static let dictionaryV1: [UInt8] = Array(#"""

        Subject: Erste Zahlungserinnerung (kostenlos): offener Saldo

        Sehr geehrte(r) ,

        laut unseren Unterlagen ist der folgende Betrag noch nicht bezahlt. Diese erste Erinnerung ist kostenlos.


        Rechnung  vom  für , fällig am : offen .




        Offener Saldo: . Sie haben eine Frist von 14 Tagen, bis einschließlich , um auf das Konto  mit der Mitteilung  zu zahlen.

        Zahlen Sie nicht innerhalb dieser Frist, können wir einen pauschalen Schadenersatz von  sowie Verzugszinsen () auf den offenen Betrag ab dem Tag nach Ablauf der Frist berechnen (Buch XIX des Wirtschaftsgesetzbuches).

        Gläubiger: , Unternehmensnummer .

        Mit freundlichen Grüßen

        Subject: Zweite Zahlungserinnerung: offener Saldo

        Sehr geehrte(r) ,

        am  haben wir Ihnen eine kostenlose Erinnerung geschickt. Die Frist von 14 Tagen ist ohne Zahlung verstrichen. Wie angekündigt berechnen wir nun den gesetzlichen Schadenersatz und die Zinsen.



        Bitte zahlen Sie den Gesamtbetrag von  spätestens am  auf das Konto  mit der Mitteilung .

        Gläubiger: , Unternehmensnummer .

        Mit freundlichen Grüßen

        Subject: Freundliche Erinnerung: Rechnung bald fällig

        Sehr geehrte Damen und Herren,

        wir möchten Sie daran erinnern, dass die folgende Rechnung von  bald fällig wird.



        Bitte überweisen Sie  auf das Konto  mit der Mitteilung . Ist die Zahlung bereits unterwegs, betrachten Sie diese Nachricht bitte als gegenstandslos.

        Mit freundlichen Grüßen

        Subject: Inverzugsetzung: offene Rechnungen ()

        Sehr geehrte Damen und Herren,

        trotz unserer Mahnungen sind die folgenden Beträge von  weiterhin unbezahlt. Mit diesem Schreiben setzen wir Sie förmlich in Verzug.



        Bitte zahlen Sie den Gesamtbetrag von  spätestens am  auf das Konto  mit der Mitteilung . Ohne Zahlung innerhalb dieser Frist übergeben wir die Akte ohne weitere Ankündigung einem Inkassodienst, was zusätzliche Kosten verursachen kann.

        Mit freundlichen Grüßen

        Subject: Zahlungserinnerung: offene Rechnungen ()

        Sehr geehrte Damen und Herren,

        laut unserer Buchhaltung sind die folgenden Rechnungen von  noch nicht bezahlt.



        Bitte zahlen Sie den offenen Betrag von  bis zum  auf das Konto  mit der Mitteilung . Sollten Sie inzwischen gezahlt haben, danken wir Ihnen und bitten Sie, diese Erinnerung als gegenstandslos zu betrachten.

        Mit freundlichen Grüßen

        Subject: Zweite Mahnung: offene Rechnungen ()

        Sehr geehrte Damen und Herren,

        trotz unserer Erinnerung sind die folgenden Rechnungen von  weiterhin offen. Gemäß dem Gesetz vom 2. August 2002 zur Bekämpfung des Zahlungsverzugs im Handelsverkehr berechnen wir Verzugszinsen und eine Pauschalentschädigung.



        Bitte zahlen Sie den Gesamtbetrag von  spätestens am  auf das Konto  mit der Mitteilung . Bei Fragen oder Einwänden wenden Sie sich bitte an uns unter .

        Mit freundlichen Grüßen

        Subject: First reminder (free of charge): balance

        Dear ,

        According to our records, the following amount has not been paid yet. This first reminder is free of charge.


        Invoice  of  for , due on :  open.




        Balance: . You have 14 days to pay, until  inclusive, to account  with the communication .

        If you do not pay within this period, we may charge flat damages of  and late-payment interest at  on the unpaid amount from the day after the period ends (Book XIX of the Belgian Code of Economic Law).

        Creditor: , enterprise number .

        Kind regards,

        Subject: Second reminder: balance

        Dear ,

        On  we sent you a reminder free of charge. The 14-day period has ended without payment. As announced then, we now charge the statutory damages and interest.



        Please pay the total of  by  at the latest to account  with the communication .

        Creditor: , enterprise number .

        Kind regards,

        Subject: Friendly reminder: invoice due soon

        Dear Sir or Madam,

        This is a friendly reminder that the following invoice falls due soon.



        Please transfer  to account  with the communication . If the payment is already on its way, please disregard this message.

        Kind regards,

        Subject: Formal notice: unpaid invoices ()

        Dear Sir or Madam,

        Despite our reminders, the following amounts are still unpaid. With this letter we give you formal notice.



        Please pay the total of  by  at the latest to account  with the communication . Without payment within this period we will hand the file over for collection without further notice, which may lead to further costs.

        Kind regards,

        Subject: Reminder: unpaid invoices ()

        Dear Sir or Madam,

        According to our records, the following invoices have not been paid yet.



        Please pay the amount of  before  to account  with the communication . If you have paid in the meantime, thank you, and please disregard this reminder.

        Kind regards,

        Subject: Second reminder: unpaid invoices ()

        Dear Sir or Madam,

        Despite our earlier reminder, the following invoices remain unpaid. Under the Belgian Law of 2 August 2002 on combating late payment in commercial transactions, we charge late-payment interest and a flat recovery compensation.



        Please pay the total of  by  at the latest to account  with the communication . If you dispute an invoice or have a problem paying, please contact us on .

        Kind regards,

        Subject: Premier rappel (gratuit) : solde impayé

        Madame, Monsieur,

        Selon nos données, le montant suivant n'a pas encore été payé. Ce premier rappel est gratuit.


        Facture  du  pour , échue le  : solde .




        Solde impayé : . Vous disposez d'un délai de 14 jours pour payer, jusqu'au  inclus, sur le compte  avec la communication .

        À défaut de paiement dans ce délai, nous pourrons réclamer une indemnité forfaitaire de , ainsi que des intérêts de retard calculés selon  sur le montant impayé à partir du lendemain de l'expiration du délai (livre XIX du Code de droit économique).

        Créancier : , numéro d'entreprise .

        Veuillez agréer nos salutations distinguées,

        Subject: Deuxième rappel : solde impayé

        Madame, Monsieur,

        Le , nous vous avons adressé un rappel gratuit. Le délai de 14 jours a expiré sans paiement. Comme annoncé, nous portons maintenant en compte l'indemnité et les intérêts prévus par la loi.



        Nous vous prions de payer le total de  au plus tard le  sur le compte  avec la communication .

        Créancier : , numéro d'entreprise .

        Veuillez agréer nos salutations distinguées,

        Subject: Rappel amical : facture bientôt échue

        Madame, Monsieur,

        Nous nous permettons de vous rappeler que la facture suivante arrive bientôt à échéance.



        Nous vous remercions de verser  sur le compte  avec la communication . Si le paiement est déjà en cours, veuillez ne pas tenir compte de ce message.

        Veuillez agréer nos salutations distinguées,

        Subject: Mise en demeure : factures impayées ()

        Madame, Monsieur,

        Malgré nos rappels, les montants suivants restent impayés. Par la présente, nous vous mettons formellement en demeure.



        Nous vous prions de payer le total de  au plus tard le  sur le compte  avec la communication . À défaut de paiement dans ce délai, nous transmettrons le dossier au recouvrement sans autre avis, ce qui peut entraîner des frais supplémentaires.

        Veuillez agréer nos salutations distinguées,

        Subject: Rappel : factures impayées ()

        Madame, Monsieur,

        Sauf erreur de notre part, les factures suivantes restent impayées.



        Nous vous prions de payer le montant de  avant le  sur le compte  avec la communication . Si vous avez payé entre-temps, nous vous en remercions et vous prions de ne pas tenir compte de ce rappel.

        Veuillez agréer nos salutations distinguées,

        Subject: Deuxième rappel : factures impayées ()

        Madame, Monsieur,

        Malgré notre précédent rappel, les factures suivantes restent impayées. Conformément à la loi du 2 août 2002 concernant la lutte contre le retard de paiement dans les transactions commerciales, nous portons en compte des intérêts de retard et une indemnité forfaitaire.



        Nous vous prions de payer le total de  au plus tard le  sur le compte  avec la communication . En cas de contestation ou de difficulté, n'hésitez pas à nous contacter au .

        Veuillez agréer nos salutations distinguées,

        Subject: Eerste herinnering (kosteloos): openstaand saldo

        Geachte ,

        Volgens onze gegevens is het volgende bedrag nog niet betaald. Deze eerste herinnering is kosteloos.


        Factuur  van  voor , vervallen op : nog open .




        Openstaand saldo: . U beschikt over een termijn van 14 dagen om te betalen, tot en met , op rekening  met de mededeling .

        Betaalt u niet binnen deze termijn, dan kunnen wij een forfaitaire schadevergoeding van  en verwijlinterest tegen  op het openstaande bedrag vanaf de dag na het verstrijken van de termijn aanrekenen (boek XIX van het Wetboek van economisch recht).

        Schuldeiser: , ondernemingsnummer .

        Met vriendelijke groeten,

        Subject: Tweede herinnering: openstaand saldo

        Geachte ,

        Op  stuurden wij u een kosteloze herinnering. De termijn van 14 dagen is verstreken zonder betaling. Zoals toen aangekondigd rekenen wij nu de wettelijke schadevergoeding en interest aan.



        Wij vragen u het totaal van  uiterlijk op  te betalen op rekening  met de mededeling .

        Schuldeiser: , ondernemingsnummer .

        Met vriendelijke groeten,

        Subject: Vriendelijke herinnering: factuur vervalt binnenkort

        Geachte heer, mevrouw,

        Graag herinneren wij u eraan dat de volgende factuur binnenkort vervalt.



        Wilt u  overmaken op rekening  met de mededeling ? Is de betaling al onderweg, dan mag u dit bericht als niet verzonden beschouwen.

        Met vriendelijke groeten,

        Subject: Ingebrekestelling: openstaande facturen ()

        Geachte heer, mevrouw,

        Ondanks onze herinneringen zijn de volgende bedragen nog altijd niet betaald. Met deze brief stellen wij u formeel in gebreke.



        Wij verzoeken u het totaal van  uiterlijk op  te betalen op rekening  met de mededeling . Zonder betaling binnen deze termijn zullen wij het dossier zonder verdere verwittiging overdragen voor invordering, wat bijkomende kosten met zich kan brengen.

        Met vriendelijke groeten,

        Subject: Herinnering: openstaande facturen ()

        Geachte heer, mevrouw,

        Bij nazicht van onze boekhouding stellen wij vast dat de volgende facturen nog niet betaald zijn.



        Wij vragen u het openstaande bedrag van  te betalen vóór  op rekening  met de mededeling . Heeft u intussen betaald, dan danken wij u en mag u deze herinnering als niet verzonden beschouwen.

        Met vriendelijke groeten,

        Subject: Tweede herinnering: openstaande facturen ()

        Geachte heer, mevrouw,

        Ondanks onze eerdere herinnering blijven de volgende facturen onbetaald. Overeenkomstig de wet van 2 augustus 2002 betreffende de bestrijding van de betalingsachterstand bij handelstransacties rekenen wij verwijlinterest en een forfaitaire vergoeding aan.



        Wij verzoeken u het totaal van  uiterlijk op  te betalen op rekening  met de mededeling . Neem bij een betwisting of een probleem gerust contact met ons op via .

        Met vriendelijke groeten,
        <!DOCTYPE html>
        <html lang="">
        <head><meta charset="utf-8"><title></title></head>
        <body style="font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 14px; color: #1a1a1a; max-width: 720px;">
        <p style="color:#555"></p>
        <p><br></p>

        <table style="border-collapse: collapse; width: 100%; margin: 12px 0;">
        <thead><tr><th style="text-align:; border-bottom: 1px solid #999; padding: 4px;"></th></tr></thead>
        <tbody>
        <tr><td style="text-align:; padding: 4px; border-bottom: 1px solid #eee;"></td></tr>
        </tbody>
        <tfoot>
        <tr><td colspan="" style="text-align:right; padding: 4px; font-weight: bold; border-top: 1px solid #999;"></td><td style="text-align:right; padding: 4px; font-weight: bold; border-top: 1px solid #999;"></td></tr>
        </tfoot>
        </table>
        <p style="margin: 12px 0 4px 0;"><strong></strong></p>
        <table style="border-collapse: collapse; width: 100%; margin: 0 0 12px 0; color: #444;">
        <thead><tr><th style="text-align:; border-bottom: 1px solid #999; padding: 4px;"></th></tr></thead>
        <tbody>
        <tr><td style="text-align:; padding: 4px; border-bottom: 1px solid #eee;"></td></tr>
        </tbody>
        </table>

        <p><br></p>

        <table style="border: 1px solid #999; padding: 8px; margin-top: 12px;">
        <tr><th colspan="2" style="text-align:left;"></th></tr>
        <tr><td style="padding-right: 12px; color:#555;"></td><td></td></tr>
        </table>
        <p style="color:#777; font-size: 12px;"> ·  ·  · </p>
        </body>
        </html>
        <table style="border-collapse: collapse; width: 100%; margin: 12px 0;">
        <thead><tr><th style="text-align:left; border-bottom: 1px solid #999; padding: 4px;">Factuur</th><th style="text-align:left; border-bottom: 1px solid #999; padding: 4px;">Datum</th><th style="text-align:left; border-bottom: 1px solid #999; padding: 4px;">Vervaldag</th><th style="text-align:right; border-bottom: 1px solid #999; padding: 4px;">Bedrag</th><th style="text-align:right; border-bottom: 1px solid #999; padding: 4px;">Openstaand</th><th style="text-align:right; border-bottom: 1px solid #999; padding: 4px;">Dagen te laat</th></tr></thead>
        <tbody>
        <tr><td style="text-align:left; padding: 4px; border-bottom: 1px solid #eee;">F-0001</td><td style="text-align:left; padding: 4px; border-bottom: 1px solid #eee;">01/01/2026</td><td style="text-align:left; padding: 4px; border-bottom: 1px solid #eee;">31/01/2026</td><td style="text-align:right; padding: 4px; border-bottom: 1px solid #eee;">€ 100,00</td><td style="text-align:right; padding: 4px; border-bottom: 1px solid #eee;">€ 100,00</td><td style="text-align:right; padding: 4px; border-bottom: 1px solid #eee;">30</td></tr>
        </tbody>
        <tfoot>
        <tr><td colspan="5" style="text-align:right; padding: 4px; font-weight: bold; border-top: 1px solid #999;">Vervallen saldo</td><td style="text-align:right; padding: 4px; font-weight: bold; border-top: 1px solid #999;">€ 100,00</td></tr>
        </tfoot>
        </table>
        <table style="border: 1px solid #999; padding: 8px; margin-top: 12px;">
        <tr><th colspan="2" style="text-align:left;">Betaalgegevens</th></tr>
        <tr><td style="padding-right: 12px; color:#555;">Begunstigde</td><td></td></tr>
        <tr><td style="padding-right: 12px; color:#555;">IBAN</td><td>BE</td></tr>
        <tr><td style="padding-right: 12px; color:#555;">BIC</td><td></td></tr>
        <tr><td style="padding-right: 12px; color:#555;">Gestructureerde mededeling</td><td>+++/++++/+++++</td></tr>
        <tr><td style="padding-right: 12px; color:#555;">Bedrag</td><td>€ 100,00</td></tr>
        </table>
        """#.utf8)
}

#!/usr/bin/env python3
"""Benchmark inputs for the bank and Peppol readers, from the generated open invoices:
a CODA file with N credit movements paying open invoices (by structured communication, by invoice
number in the free text, or matching nothing), and M Peppol UBL invoices for new buyers.
Deterministic (seeded). Usage: gen-bank.py DATA_DIR [MOVEMENTS] [UBL_FILES]"""
import csv, os, random, sys

data = sys.argv[1]
movements = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
ubl_files = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
rng = random.Random(2026)

def record(*fields):
    line = [' '] * 128
    for pos, text in fields:
        line[pos:pos + len(text)] = list(text)
    return ''.join(line)

def amount15(cents):
    return '%015d' % (abs(cents) * 10)

open_invoices = []
with open(os.path.join(data, 'invoices-open.csv'), newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        if row['type'] == 'invoice' and row['structured_reference']:
            cents = int(round(float(row['open_amount']) * 100))
            if cents > 0:
                open_invoices.append((row['invoice_number'], row['structured_reference'], cents, row['debtor_id']))
picked = rng.sample(open_invoices, min(movements, len(open_invoices)))

lines = [record((0, '0000'), (5, '211126'), (11, '725'), (34, 'BENCH BV'), (127, '2'))]
body = [record((0, '1'), (1, '2'), (2, '001'), (5, 'BE68539007547034'), (39, 'EUR'), (42, '0'), (43, amount15(0)),
               (58, '201126'), (64, 'BENCH BV'), (125, '001'))]
credit = 0
def payer_iban(debtor):  # a valid Belgian IBAN per debtor: bank 539, account from the debtor number
    digits = ''.join(ch for ch in debtor if ch.isdigit())[-7:].rjust(7, '0')
    head = '539' + digits
    bban = head + '%02d' % (int(head) % 97 or 97)
    check = 98 - int(bban + '111400') % 97  # B=11, E=14, then 00
    return 'BE%02d%s' % (check, bban)

for i, (number, ogm, cents, debtor) in enumerate(picked):
    seq = '%04d' % (i % 10000)
    fields = [(0, '21'), (2, seq), (6, '0000'), (10, 'B%020d' % i), (31, '0'), (32, amount15(cents)), (47, '201126'),
              (53, '00150000'), (115, '201126'), (121, '001'), (124, '0'), (127, '0')]
    kind = rng.random()
    if kind < 0.8:
        fields += [(61, '1'), (62, '101'), (65, ogm)]
    elif kind < 0.95:
        fields += [(61, '0'), (62, 'Betaling factuur %s' % number)]
    else:
        fields += [(61, '0'), (62, 'Voorschot')]
    body.append(record(*fields))
    body.append(record((0, '23'), (2, seq), (6, '0000'), (10, payer_iban(debtor)), (44, 'EUR'), (47, 'PAYER %s' % debtor)))
    credit += cents
body.append(record((0, '8'), (1, '001'), (4, 'BE68539007547034'), (41, '0'), (42, amount15(credit)), (57, '201126')))
lines += body
lines.append(record((0, '9'), (16, '%06d' % len(body)), (22, amount15(0)), (37, amount15(credit)), (127, '2')))
with open(os.path.join(data, 'bank-statement.cod'), 'w', encoding='cp1252', newline='') as f:
    f.write('\r\n'.join(lines) + '\r\n')

def enterprise(n):
    head = 10_000_000 + n * 7
    return '0%07d%02d' % (head % 10_000_000, 97 - (head % 10_000_000) % 97)

ubl_dir = os.path.join(data, 'ubl')
os.makedirs(ubl_dir, exist_ok=True)
for i in range(ubl_files):
    ent = enterprise(i)
    cents = rng.randint(2000, 500000)
    base = 9_000_000_000 + i
    ogm = '%010d%02d' % (base, base % 97 or 97)
    doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>
<cbc:ID>PEPPOL-{i:07d}</cbc:ID><cbc:IssueDate>2026-11-{1 + i % 20:02d}</cbc:IssueDate><cbc:DueDate>2026-12-{1 + i % 28:02d}</cbc:DueDate>
<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:BuyerReference>PO-{i}</cbc:BuyerReference>
<cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="0208">{ent}</cbc:EndpointID>
<cac:PostalAddress><cbc:StreetName>Stationsstraat {i % 200 + 1}</cbc:StreetName><cbc:CityName>Leuven</cbc:CityName><cbc:PostalZone>3000</cbc:PostalZone><cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
<cac:PartyLegalEntity><cbc:RegistrationName>Peppol Klant {i} BV</cbc:RegistrationName></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentID>{ogm}</cbc:PaymentID><cac:PayeeFinancialAccount><cbc:ID>BE68539007547034</cbc:ID></cac:PayeeFinancialAccount></cac:PaymentMeans>
<cac:LegalMonetaryTotal><cbc:TaxInclusiveAmount currencyID="EUR">{cents // 100}.{cents % 100:02d}</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="EUR">{cents // 100}.{cents % 100:02d}</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>
'''
    with open(os.path.join(ubl_dir, f'invoice-{i:07d}.xml'), 'w', encoding='utf-8') as f:
        f.write(doc)
print(f'{len(picked)} movements, {ubl_files} UBL files in {data}', file=sys.stderr)

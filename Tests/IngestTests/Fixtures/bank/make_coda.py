#!/usr/bin/env python3
"""Writes the CODA test statements from the Febelfin CODA 2.x record layout (positions as in
belgian-rules.md §7.1, 0-based here). Rerun to regenerate; the output is deterministic."""

def record(*fields):
    line = [' '] * 128
    for pos, text in fields:
        for i, ch in enumerate(text):
            line[pos + i] = ch
    return ''.join(line)

def amount(cents):  # 15 digits, three implied decimals
    return '%015d' % (abs(cents) * 10)

def movement(seq, detail, cents, comm, entry='181126', glob='0', iban=None, name=None):
    sign = '0' if cents >= 0 else '1'
    fields = [(0, '21'), (2, seq), (6, detail), (10, 'REF%s%s' % (seq, detail)), (31, sign), (32, amount(cents)),
              (47, entry), (53, '00150000'), (115, entry), (121, '042'), (124, glob), (125, '0'), (127, '0')]
    if comm[0] == 'ogm':
        fields += [(61, '1'), (62, '101'), (65, comm[1])]
    elif comm[0] == 'rf':
        fields += [(61, '1'), (62, '100'), (65, comm[1])]
    else:
        fields += [(61, '0'), (62, comm[1])]
    lines = [record(*fields)]
    if iban:
        lines.append(record((0, '23'), (2, seq), (6, detail), (10, iban), (44, 'EUR'), (47, name or ''), (127, '0')))
    return lines

def statement(old, moves, new_delta=0):
    body = [record((0, '1'), (1, '2'), (2, '042'), (5, 'BE68539007547034'), (39, 'EUR'), (42, '0'), (43, amount(old)),
                   (58, '171126'), (64, 'DEMO FACTURATIE BV'), (90, 'ZICHTREKENING'), (125, '042'))]
    debit = credit = 0
    for m in moves:
        body += m['lines']
        if m['main']:
            if m['cents'] < 0: debit -= m['cents']
            else: credit += m['cents']
    new = old + credit - debit + new_delta
    body.append(record((0, '8'), (1, '042'), (4, 'BE68539007547034'), (39, 'EUR'), (41, '0'), (42, amount(new)), (57, '181126')))
    head = record((0, '0000'), (5, '181126'), (11, '725'), (34, 'DEMO FACTURATIE BV'), (60, 'KREDBEBB'), (127, '2'))
    trailer = record((0, '9'), (16, '%06d' % len(body)), (22, amount(debit)), (37, amount(credit)), (127, '2'))
    return '\r\n'.join([head] + body + [trailer]) + '\r\n'

def main_move(seq, cents, comm, **kw):
    return {'lines': movement(seq, '0000', cents, comm, **kw), 'main': True, 'cents': cents}

def detail_move(seq, detail, cents, comm, **kw):
    return {'lines': movement(seq, detail, cents, comm, **kw), 'main': False, 'cents': cents}

moves = [
    main_move('0001', 50000, ('ogm', '123456789002'), iban='BE71096123456769', name='LUKASZ WISNIEWSKI'),   # BK-1 in full
    main_move('0002', 10000, ('ogm', '012345678939'), iban='BE54000000000097', name='SUKRU YILMAZ'),        # BK-2 in part
    main_move('0003', 30000, ('ogm', '010806817183')),                                                      # BK-3, 50.00 too much
    main_move('0004', 8000, ('free', 'Factuur BK-4 oktober')),                                              # BK-4 by its number
    main_move('0005', -2500, ('free', 'Bankkosten')),                                                       # a debit
    main_move('0006', 5200, ('free', ''), glob='1'),                                                        # globalised total
    detail_move('0006', '0001', 1000, ('ogm', '085192754115'), iban='BE41063012345610', name='BRASSERIE ECLAIR'),  # BK-6
    detail_move('0006', '0002', 4200, ('free', ''), iban='BE41063012345610', name='BRASSERIE ECLAIR'),      # BK-5 by amount
    main_move('0007', 6000, ('rf', 'RF18539007547034')),                                                     # BK-7 by RF
    main_move('0008', 7777, ('free', 'gift')),                                                              # nothing matches
]
open('statement-042.cod', 'w', encoding='cp1252', newline='').write(statement(100000, moves))
open('statement-bad-balance.cod', 'w', encoding='cp1252', newline='').write(statement(100000, moves[:3], new_delta=1).replace('REF0', 'BAD0'))

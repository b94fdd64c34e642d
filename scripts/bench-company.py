#!/usr/bin/env python3
"""bench-company.py RELANCE_TOML: fills the benchmark workspace's [company] (a made-up creditor),
so the dunning run writes letters and e-mails instead of stopping with 78. Benchmarks only."""
import re
import sys

path = sys.argv[1]
text = open(path).read()
company = {"name": "Bench Facturatie BV", "enterprise_number": "0428.759.497", "street": "Kunstlaan 1",
           "postal_code": "1000", "city": "Brussel", "iban": "BE68 5390 0754 7034", "bic": "GKCCBEBB",
           "email": "boekhouding@bench.example", "phone": "+32 2 123 45 67"}
for key, value in company.items():
    text = re.sub(rf'(?m)^{key} = "[^"]*"', f'{key} = "{value}"', text, count=1)
open(path, "w").write(text)

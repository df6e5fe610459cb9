# Writes the statements of the hand-built five-account case (README.md). The rows are written by
# hand below; this script only computes the running balances and formats the three layouts.
#   python3 tests/data/statement-case/write_statements.py
import os
from decimal import Decimal as D
OUT = os.path.dirname(os.path.abspath(__file__))

def money(v, style):
    s = f"{abs(v):,.2f}"
    if style == "cu":   # credit union: $ and parentheses for debits, trailing minus once
        return f"${s}" if v >= 0 else f"(${s})"
    return s

# ---- 1. Structurer: credit union banner layout, HECTOR R SALINAS, account 7305 ----
def cu_file(name, holder, acct, period, opening, rows):
    bal = opening
    lines = ['"Summit Ridge Federal Credit Union"', f'"Account Holder: {holder}"',
             f'"Account Number: XXXXXX{acct}"', f'"Statement Period: {period}"',
             f'"Beginning Balance: ${opening:,.2f}"']
    body = []
    for (date, desc, amt) in rows:
        amt = D(amt); bal += amt
        a = money(amt, "cu") if amt != D("-50.00") else "(50.00)"
        body.append(f'"{date}","{desc}","{a}","${bal:,.2f}"')
    lines.append(f'"Ending Balance: ${bal:,.2f}"')
    lines.append('')
    lines.append('"Date","Description","Amount","Balance"')
    lines += body
    total = sum(D(r[2]) for r in rows)
    lines.append(f'"Total","","${total:,.2f}",""')
    open(os.path.join(OUT, name), "w", newline="").write("\r\n".join(lines) + "\r\n")

cu_file("summit-ridge-7305-2025-03.csv", "HECTOR R SALINAS", "7305", "03/01/2025 to 03/31/2025", D("1850.12"), [
    ("03/03/2025", "ACH DEPOSIT PAYROLL RIO GRANDE FREIGHT", "1240.55"),
    ("03/04/2025", "CASH DEPOSIT BR 0412 DALLAS TX", "9500.00"),
    ("03/05/2025", "CASH DEPOSIT BR 0388 FORT WORTH TX", "9200.00"),
    ("03/07/2025", "CASH DEPOSIT BR 0517 OKLAHOMA CITY OK", "9800.00"),
    ("03/07/25", "POS PURCHASE SHELL OIL 5744 DALLAS TX", "-62.18"),
    ("03/10/2025", "ONLINE TRANSFER TO CHK ...1222", "-27500.00"),
    ("03/12/2025", "ATM WITHDRAWAL 1200 W 38TH ST", "-200.00"),
    ("03/14/2025", "CHECK 1043", "-850.00"),
    ("03/17/2025", "ACH DEPOSIT PAYROLL RIO GRANDE FREIGHT", "1240.55"),
    ("03/21/2025", "ZELLE TO JOSE LUNA", "-50.00"),
])

# ---- 5. Control: credit union banner layout, EMILY J CARTER, account 5518 ----
cu_file("summit-ridge-5518-2025-03.csv", "EMILY J CARTER", "5518", "03/01/2025 to 03/31/2025", D("3412.80"), [
    ("03/03/2025", "ACH DEPOSIT PAYROLL ST VINCENT HOSPITAL", "2315.40"),
    ("03/03/2025", "CHECK 2211", "-1450.00"),
    ("03/05/2025", "POS PURCHASE KROGER 0421 INDIANAPOLIS IN", "-134.27"),
    ("03/08/2025", "ATM WITHDRAWAL 1200 W 38TH ST", "-100.00"),
    ("03/10/2025", "ACH WITHDRAWAL DUKE ENERGY PAYMENT", "-118.62"),
    ("03/12/2025", "ZELLE TO ANNA CARTER", "-75.00"),
    ("03/14/2025", "POS PURCHASE TARGET 1187 CARMEL IN", "-58.19"),
    ("03/17/2025", "ACH DEPOSIT PAYROLL ST VINCENT HOSPITAL", "2315.40"),
    ("03/20/2025", "CASH DEPOSIT BR 3355 INDIANAPOLIS IN", "300.00"),
    ("03/24/2025", "ACH WITHDRAWAL STATE FARM INS PREM", "-212.44"),
    ("03/28/2025", "POS PURCHASE KROGER 0421 INDIANAPOLIS IN", "-96.03"),
])

# ---- 2/4. Funnel (000111222) and a small business (000333444): big bank Debit/Credit layout ----
def bb_rows(acct, opening, rows):
    bal = opening; out = []
    for (date, desc, amt) in rows:
        amt = D(amt); bal += amt
        debit = money(-amt, "bb") if amt < 0 else "0.00"
        credit = money(amt, "bb") if amt > 0 else "0.00"
        q = lambda s: f'"{s}"' if "," in s else s
        out.append((date, f"{acct},{date},{desc},{q(debit)},{q(credit)},{q(f'{bal:,.2f}')}"))
    return out

funnel = bb_rows("000111222", D("640.00"), [
    ("2025-03-03", "CASH DEPOSIT BR 3355 INDIANAPOLIS IN", "4800.00"),
    ("2025-03-04", "CASH DEPOSIT BR 1207 ATLANTA GA", "5200.00"),
    ("2025-03-05", "CASH DEPOSIT BR 0871 CHARLOTTE NC", "4950.00"),
    ("2025-03-06", "CASH DEPOSIT BR 2210 NASHVILLE TN", "5100.00"),
    ("2025-03-07", "WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX", "-9800.00"),
    ("2025-03-07", "WIRE TRANSFER FEE", "-45.00"),
    ("2025-03-10", "ONLINE TRANSFER FROM CHK XXXX7305", "27500.00"),
    ("2025-03-11", "WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX", "-9600.00"),
    ("2025-03-11", "WIRE TRANSFER FEE", "-45.00"),
    ("2025-03-12", "WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX", "-9900.00"),
    ("2025-03-12", "WIRE TRANSFER FEE", "-45.00"),
    # the second download starts here (2025-03-14): these rows are in both
    ("2025-03-17", "CASH DEPOSIT BR 3355 INDIANAPOLIS IN", "5000.00"),
    ("2025-03-18", "CASH DEPOSIT BR 0640 MEMPHIS TN", "4700.00"),
    ("2025-03-19", "CASH DEPOSIT BR 1207 ATLANTA GA", "5300.00"),
    ("2025-03-19", "POS PURCHASE WALMART #1234 DALLAS TX", "-45.10"),
    # only in the second download
    ("2025-03-21", "WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX", "-14600.00"),
    ("2025-03-21", "WIRE TRANSFER FEE", "-45.00"),
    ("2025-03-24", "CASH DEPOSIT BR 0871 CHARLOTTE NC", "4900.00"),
    ("2025-03-25", "CASH DEPOSIT BR 2210 NASHVILLE TN", "5050.00"),
    ("2025-03-27", "WIRE OUT BNF:COMERCIALIZADORA DEL NORTE SA DE CV BBK:BANORTE MX", "-9500.00"),
    ("2025-03-27", "WIRE TRANSFER FEE", "-45.00"),
])
business = bb_rows("000333444", D("12450.00"), [
    ("2025-03-03", "ACH DEPOSIT SQUARE INC SETTLEMENT", "3120.44"),
    ("2025-03-05", "ACH WITHDRAWAL ADP PAYROLL", "-4210.90"),
    ("2025-03-06", "CHECK 5012", "-2100.00"),
    ("2025-03-10", "ACH DEPOSIT SQUARE INC SETTLEMENT", "2988.10"),
    ("2025-03-12", "POS PURCHASE SYSCO FOODS HOUSTON TX", "-1320.75"),
    ("2025-03-13", "ACH DEPOSIT SQUARE INC SETTLEMENT", "3310.02"),
])
header = "Account Number,Date,Description,Debit,Credit,Balance"
d1 = [l for (d, l) in funnel if d <= "2025-03-19"] + [l for (d, l) in business]
d2 = [l for (d, l) in funnel if d >= "2025-03-14"]
open(os.path.join(OUT, "bigbank-export-2025-03-19.csv"), "w", newline="").write("\r\n".join([header] + d1) + "\r\n")
open(os.path.join(OUT, "bigbank-export-2025-03-31.csv"), "w", newline="").write("\r\n".join([header] + d2) + "\r\n")

# ---- 3. Fee collector: signed CR/DR layout in Windows-1252, account 000987654321 ----
rows = [
    ("2025-03-03", "TRN1001", "WIRE IN ORIG:MARIA DEL CARMEN REYES", "2800.00", "CR"),
    ("2025-03-04", "TRN1002", "WIRE IN ORIG:JUAN PABLO HERRERA", "2900.00", "CR"),
    ("2025-03-05", "TRN1003", "WIRE IN ORIG:ROSA ELENA CASTILLO", "2750.00", "CR"),
    ("2025-03-05", "TRN1004", "WIRE IN ORIG:PEDRO ALVARADO", "2950.00", "CR"),
    ("2025-03-06", "TRN1005", "WIRE IN ORIG:LUCIA MENDOZA", "2600.00", "CR"),
    ("2025-03-07", "TRN1006", "WIRE IN ORIG:CARLOS FUENTES", "2850.00", "CR"),
    ("2025-03-08", "TRN1007", "WIRE OUT BNF:TRANSPORTES M\u00c9XICO SA BBK:BANCO AZTECA MX", "16500.00", "DR"),
    ("2025-03-08", "TRN1008", "WIRE TRANSFER FEE", "45.00", "DR"),
    ("2025-03-17", "TRN1009", "WIRE IN ORIG:ANA GABRIELA RUIZ", "2700.00", "CR"),
    ("2025-03-18", "TRN1010", "WIRE IN ORIG:MIGUEL ANGEL TORRES", "2950.00", "CR"),
    ("2025-03-19", "TRN1011", "WIRE IN ORIG:SOFIA RAMIREZ", "2800.00", "CR"),
    ("2025-03-20", "TRN1012", "WIRE IN ORIG:JORGE LUIS VEGA", "2900.00", "CR"),
    ("2025-03-21", "TRN1013", "WIRE OUT BNF:TRANSPORTES M\u00c9XICO SA BBK:BANCO AZTECA MX", "11300.00", "DR"),
    ("2025-03-21", "TRN1014", "WIRE TRANSFER FEE", "45.00", "DR"),
    ("2025-03-26", "TRN1015", "POS PURCHASE HEB 0412 EL PASO TX", "87.40", "DR"),
]
bal = D("310.00"); out = ["Account: 000987654321", "Period: 2025-03-01 - 2025-03-31", "",
                          "Post Date,Reference,Description,Amount,Type,Balance"]
for (date, ref, desc, amt, typ) in rows:
    bal += D(amt) if typ == "CR" else -D(amt)
    a = f"{D(amt):,.2f}"
    q = lambda s: f'"{s}"' if "," in s else s
    out.append(f"{date},{ref},{desc},{q(a)},{typ},{q(f'{bal:,.2f}')}")
out.append(f'Ending Balance,,,,,{q(f"{bal:,.2f}")}')
open(os.path.join(OUT, "firststate-000987654321-2025-03.csv"), "wb").write(("\r\n".join(out) + "\r\n").encode("cp1252"))

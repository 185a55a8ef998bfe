"""劳务报酬 withholding (预扣预缴), in integer fen: what a payer withholds from a worker's pay for labour services.

Per payer, per worker and calendar month (Asia/Shanghai), continuous work for one payer is one payment, so the
tax is always that of the month's income so far; each payout withholds the difference between the tax of the
month-to-date income after it and what was already withheld. Any split of a month's income into payouts therefore
withholds exactly the tax of the whole (tested over random splits), and net + tax = gross for every payout.

The rule (个人所得税法 and its 预扣预缴 method for 劳务报酬所得), for a month's income I:
- I ≤ 800 元: 0;
- I ≤ 4,000 元: (I − 800) × 20%;
- I > 4,000 元: taxable = I × 80%; 20% up to 20,000 元 taxable, 30% − 2,000 元 up to 50,000, 40% − 7,000 above.
Tax is rounded to the fen, halves up. The function is continuous and never decreasing, so no payout's withholding
is negative. Examples: 800 → 0; 3,000 → 440; 5,000 → 800; 30,000 → 5,200 元.
"""

from fractions import Fraction

YUAN = 100
BANDS = (  # (taxable up to, in fen; rate; quick deduction, in fen), for income above 4,000 元
    (20_000 * YUAN, Fraction(20, 100), 0),
    (50_000 * YUAN, Fraction(30, 100), 2_000 * YUAN),
    (None, Fraction(40, 100), 7_000 * YUAN),
)


def _half_up(value):
    """A non-negative Fraction rounded to a whole fen, halves up."""
    return int((value * 2 + 1) // 2)


def tax_on(income_fen):
    """The 劳务报酬 tax of one payment (a month's income from one payer), in fen."""
    if income_fen < 0:
        raise ValueError("income cannot be negative")
    if income_fen <= 800 * YUAN:
        return 0
    if income_fen <= 4_000 * YUAN:
        return _half_up(Fraction(income_fen - 800 * YUAN) * Fraction(20, 100))
    taxable = Fraction(income_fen) * Fraction(80, 100)
    for ceiling, rate, deduction in BANDS:
        if ceiling is None or taxable <= ceiling:
            return _half_up(taxable * rate - deduction)
    raise AssertionError("unreachable: the last band has no ceiling")


def withhold(month_income_before_fen, month_withheld_before_fen, gross_fen):
    """(tax, net) of a payout of `gross_fen`, given the month's income and tax withheld before it (same payer)."""
    if gross_fen < 0 or month_income_before_fen < 0:
        raise ValueError("amounts cannot be negative")
    tax = tax_on(month_income_before_fen + gross_fen) - month_withheld_before_fen
    tax = max(
        0, min(tax, gross_fen)
    )  # never more than the payout; what a past payout over-withheld is not refunded here
    return tax, gross_fen - tax

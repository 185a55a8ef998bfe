"""劳务报酬 withholding: the figures of the rule, and exactness under any split of a month into payouts."""

import random

import pytest

from services.money import tax


@pytest.mark.parametrize(
    "income_yuan,tax_yuan",
    [(0, 0), (800, 0), (3_000, 440), (4_000, 640), (5_000, 800), (20_000, 3_200), (30_000, 5_200), (100_000, 25_000)],
)
def test_the_rule_gives_the_published_figures(income_yuan, tax_yuan):
    assert tax.tax_on(income_yuan * 100) == tax_yuan * 100


def test_the_bands_meet_without_a_step_and_tax_never_falls():
    previous = 0
    for income in list(range(0, 2_000_000, 997)) + [400_000, 400_001, 2_500_000, 2_500_001, 6_250_000, 6_250_001]:
        value = tax.tax_on(income)
        assert value >= 0
        if income >= 400_000:
            assert value >= tax.tax_on(income - 1)
        previous = max(previous, value)
    assert tax.tax_on(2_500_000) == 400_000 and tax.tax_on(2_500_001) == 400_000  # 20,000 taxable: 20% = 30% − 2,000


def test_rounding_is_to_the_fen_halves_up():
    assert tax.tax_on(80_001) == 0  # 0.2 fen
    assert tax.tax_on(80_003) == 1  # 0.6 fen
    assert tax.tax_on(80_002) == 0 and tax.tax_on(80_008) == 2  # 0.4 → 0, 1.6 → 2


def test_any_split_of_a_month_withholds_exactly_the_tax_of_the_whole():
    rng = random.Random(20261201)
    for _ in range(500):
        total = rng.randrange(0, 6_000_000)
        cuts = sorted(rng.randrange(0, total + 1) for _ in range(rng.randrange(0, 30)))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        income = withheld = 0
        for gross in parts:
            paid_tax, net = tax.withhold(income, withheld, gross)
            assert net + paid_tax == gross and 0 <= paid_tax <= gross
            income, withheld = income + gross, withheld + paid_tax
        assert withheld == tax.tax_on(total), parts


def test_a_month_of_daily_payouts():
    income = withheld = 0
    for _day in range(30):
        paid_tax, net = tax.withhold(income, withheld, 16_000)  # 160 元 a day
        income, withheld = income + 16_000, withheld + paid_tax
    assert income == 480_000 and withheld == tax.tax_on(480_000) == 76_800  # 4,800 × 80% × 20%


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        tax.tax_on(-1)
    with pytest.raises(ValueError):
        tax.withhold(0, 0, -5)

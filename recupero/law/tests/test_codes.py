def test_fast_tax_code_check_agrees_with_python_stdnum():
    """The hand-written check must accept exactly what python-stdnum accepts (random codes, valid and not)."""
    import random

    from stdnum.it import codicefiscale

    from recupero.law.codes import _tax_code_ok

    rng = random.Random(7)
    letters, omo = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789LMNPQRSTUV"
    checked = valid = 0
    for _ in range(20000):
        body = "".join(rng.choice(letters) for _ in range(6)) + "".join(rng.choice(omo) for _ in range(2))
        body += rng.choice("ABCDEHLMPRST" + "XYZ") + "".join(rng.choice(omo) for _ in range(2))
        body += rng.choice(letters) + "".join(rng.choice(omo) for _ in range(3))
        code = (
            body + codicefiscale.calc_check_digit(body) if rng.random() < 0.8 else body + rng.choice(letters)
        )
        assert _tax_code_ok(code) == codicefiscale.is_valid(code), code
        checked += 1
        valid += codicefiscale.is_valid(code)
    assert checked == 20000 and valid > 10000

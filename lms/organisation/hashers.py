"""How passwords are stored: Argon2id at OWASP's recommended minimum.

Django's default, PBKDF2-SHA256 at 1,000,000 iterations, cost 0.23 to 0.30 s of one core for
each sign-in on the benchmark machine (``bench/site_load.py``'s ``login_cost``): at the start of
a shift, a burst of sign-ins kept both cores busy for tens of seconds. Argon2id with 19 MiB of
memory, 2 passes and 1 lane (the OWASP Password Storage Cheat Sheet's first recommended
configuration) costs about 23 ms, and being memory-hard it resists guessing on graphics cards
better than PBKDF2 does. Django's own ``Argon2PasswordHasher`` defaults (100 MiB, 8 lanes) cost
about 140 ms and 100 MiB per concurrent sign-in: too much for a small web host.

Passwords stored before are upgraded when their owner next signs in: PBKDF2 stays in
``PASSWORD_HASHERS`` to check them, and Django re-encodes a password whose hasher or parameters
are not the first one's (``must_update``).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (stored as ``argon2$argon2id$v=19$m=19456,t=2,p=1$...``)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

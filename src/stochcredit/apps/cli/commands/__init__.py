"""One module per command (or group of commands); each defines ``register(app)``.

Modules import heavy parts of the library inside the command function, so ``stochcredit --help``
stays fast.
"""

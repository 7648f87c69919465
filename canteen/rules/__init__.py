"""The canteen's rules as pure functions: no database, no Flask, no hardware.

One definition of each rule (meal limits and the double-tap window, the wallet split, card states and which
card a UID names, refusal codes and their texts), used by the server's services and by the terminal alike:
the terminal imports these modules instead of keeping copies, and still talks to the server only over HTTP.
"""

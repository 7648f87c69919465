"""The services: the only code that moves money or changes the canteen's records (plain functions, explicit arguments)."""

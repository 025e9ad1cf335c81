"""Sanctuary Map 2017: jurisdiction records joined to 2017 Census boundaries."""
